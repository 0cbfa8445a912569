#include "families.hpp"

#include <algorithm>
#include <cmath>

#include "architecture.hpp"
#include "preprocess.hpp"

namespace digitpad::synth {

namespace {

constexpr float kPi = 3.14159265f;
const char* const kFontDir = "/usr/share/fonts/";

// Where a shape goes on the canvas: its size (the height a digit would have) and centre,
// within the range people draw at on the pad (a third of it to nearly all of it).
struct Placement {
  float size;
  Point centre;
};

Placement random_placement(Rng& rng, float width_over_height = 1.0f) {
  const float side = float(kCanvasSide);
  const float size = side * rng.uniform(0.35f, 0.8f);
  const float half_w = 0.5f * size * std::max(0.5f, width_over_height), half_h = 0.5f * size;
  return {size, {rng.uniform(half_w + 4, side - half_w - 4), rng.uniform(half_h + 4, side - half_h - 4)}};
}

// The page's pen: 20 px on a 280-px pad; people draw digits 30% to 90% of its height.
float random_pen(Rng& rng, float size) { return size * rng.uniform(0.05f, 0.2f); }

Point rotate(Point p, float angle) {
  const float c = std::cos(angle), s = std::sin(angle);
  return {c * p.x - s * p.y, s * p.x + c * p.y};
}

// Points given in the unit square's centred coordinates (-0.5..0.5), rotated, scaled and
// placed.
Stroke place(const Stroke& unit, const Placement& at, float angle = 0) {
  Stroke out;
  for (const Point& p : unit) {
    const Point r = rotate(p, angle);
    out.push_back({at.centre.x + r.x * at.size, at.centre.y + r.y * at.size});
  }
  return out;
}

// A hand's small unsteadiness along a stroke: each point moved by a little noise.
Stroke jitter(Stroke stroke, float amount, Rng& rng) {
  for (Point& p : stroke) p.x += amount * rng.normal(), p.y += amount * rng.normal();
  return stroke;
}

std::optional<Image28> draw(const std::vector<Stroke>& strokes, float pen) {
  Canvas canvas(kCanvasSide);
  for (const Stroke& s : strokes) canvas.stroke(s, pen);
  return network_input(canvas);
}

std::vector<Stroke> scribble(Rng& rng, const Placement& at) {
  std::vector<Stroke> strokes(1 + rng.below(2));
  for (Stroke& s : strokes) {
    Point p{rng.uniform(-0.3f, 0.3f), rng.uniform(-0.3f, 0.3f)};
    float heading = rng.uniform(0, 2 * kPi);
    const int points = 12 + int(rng.below(24));
    Stroke unit;
    for (int i = 0; i < points; ++i) {
      unit.push_back(p);
      heading += rng.normal() * 1.1f;
      const float step = rng.uniform(0.08f, 0.25f);
      p.x += step * std::cos(heading), p.y += step * std::sin(heading);
      // Turn back inside the box, as a hand scribbling in one place does.
      if (std::abs(p.x) > 0.5f) p.x = std::copysign(1.0f - std::abs(p.x), p.x), heading = kPi - heading;
      if (std::abs(p.y) > 0.5f) p.y = std::copysign(1.0f - std::abs(p.y), p.y), heading = -heading;
    }
    s = place(unit, at);
  }
  return strokes;
}

std::vector<Stroke> hatching(Rng& rng, const Placement& at) {
  const int lines = 3 + int(rng.below(5));
  const float angle = rng.uniform(0, kPi), length = rng.uniform(0.5f, 1.0f), gap = 0.9f / float(lines);
  std::vector<Stroke> strokes;
  for (int i = 0; i < lines; ++i) {
    const float offset = (float(i) - 0.5f * float(lines - 1)) * gap;
    strokes.push_back(jitter(place({{-0.5f * length, offset}, {0.5f * length, offset}}, at, angle), 0.01f * at.size, rng));
  }
  return strokes;
}

std::vector<Stroke> cross(Rng& rng, const Placement& at) {
  const float angle = rng.below(2) ? kPi / 4 : 0.0f;
  const float a = rng.uniform(0.3f, 0.5f), b = rng.uniform(0.3f, 0.5f);
  std::vector<Stroke> strokes = {place({{-a, 0}, {a, 0}}, at, angle + rng.uniform(-0.2f, 0.2f)),
                                 place({{0, -b}, {0, b}}, at, angle + rng.uniform(-0.2f, 0.2f))};
  if (rng.below(3) == 0) strokes.push_back(place({{-0.4f, -0.4f}, {0.4f, 0.4f}}, at, rng.uniform(-0.3f, 0.3f)));
  return strokes;
}

std::vector<Stroke> zigzag(Rng& rng, const Placement& at) {
  // Six corners or more, lying rather than standing: a standing zigzag of five is a pointed 3.
  const int corners = 6 + int(rng.below(5));
  const float height = rng.uniform(0.3f, 0.8f);
  Stroke unit;
  for (int i = 0; i < corners; ++i)
    unit.push_back({-0.5f + float(i) / float(corners - 1), (i % 2 ? 0.5f : -0.5f) * height});
  return {jitter(place(unit, at, rng.uniform(-0.5f, 0.5f)), 0.015f * at.size, rng)};
}

std::vector<Stroke> polygon(Rng& rng, const Placement& at) {
  const int corners = 3 + int(rng.below(3));  // triangle, quadrilateral, pentagon
  const float start = rng.uniform(0, 2 * kPi), wide = rng.uniform(0.7f, 1.3f);
  Stroke unit;
  for (int i = 0; i <= corners; ++i) {
    const float angle = start + 2 * kPi * float(i % corners) / float(corners);
    unit.push_back({0.5f * wide * std::cos(angle), 0.5f * std::sin(angle)});
  }
  return {jitter(place(unit, at), 0.02f * at.size, rng)};
}

std::vector<Stroke> dots(Rng& rng, const Placement& at) {
  std::vector<Stroke> strokes(1 + rng.below(4));
  for (Stroke& s : strokes) s = place({{rng.uniform(-0.5f, 0.5f), rng.uniform(-0.5f, 0.5f)}}, at);
  return strokes;
}

std::vector<Stroke> dashes(Rng& rng, const Placement& at) {
  std::vector<Stroke> strokes(1 + rng.below(3));
  for (Stroke& s : strokes) {
    const Point c{rng.uniform(-0.4f, 0.4f), rng.uniform(-0.4f, 0.4f)};
    const float half = rng.uniform(0.03f, 0.15f), angle = rng.uniform(0, kPi);
    s = place({{c.x - half * std::cos(angle), c.y - half * std::sin(angle)}, {c.x + half * std::cos(angle), c.y + half * std::sin(angle)}}, at);
  }
  return strokes;
}

std::vector<Stroke> star(Rng& rng, const Placement& at) {
  const float start = rng.uniform(0, 2 * kPi);
  Stroke unit;
  for (int i = 0; i <= 5; ++i) {
    const float angle = start + 4 * kPi * float(i) / 5;  // every second corner of a pentagon
    unit.push_back({0.5f * std::cos(angle), 0.5f * std::sin(angle)});
  }
  return {jitter(place(unit, at), 0.015f * at.size, rng)};
}

std::vector<Stroke> spiral(Rng& rng, const Placement& at) {
  const float turns = rng.uniform(2.0f, 3.5f), start = rng.uniform(0, 2 * kPi);
  const float direction = rng.below(2) ? 1.0f : -1.0f;
  Stroke unit;
  for (int i = 0; i <= 80; ++i) {
    const float t = float(i) / 80, angle = start + direction * 2 * kPi * turns * t;
    unit.push_back({0.5f * t * std::cos(angle), 0.5f * t * std::sin(angle)});
  }
  return {jitter(place(unit, at), 0.008f * at.size, rng)};
}

std::vector<Stroke> wave(Rng& rng, const Placement& at) {
  const float periods = rng.uniform(1.5f, 3.0f), amplitude = rng.uniform(0.12f, 0.3f), phase = rng.uniform(0, 2 * kPi);
  Stroke unit;
  for (int i = 0; i <= 60; ++i) {
    const float t = float(i) / 60;
    unit.push_back({t - 0.5f, amplitude * std::sin(phase + 2 * kPi * periods * t)});
  }
  return {jitter(place(unit, at, rng.uniform(-0.4f, 0.4f)), 0.008f * at.size, rng)};
}

// Loops written in a row, as a cursive "eeee" or "llll": a prolate cycloid, lying.
std::vector<Stroke> loops(Rng& rng, const Placement& at) {
  const int count = 2 + int(rng.below(3));
  const float radius = rng.uniform(0.15f, 0.3f), reach = rng.uniform(1.5f, 4.0f) * radius;
  const float steps_per_loop = 24, total = float(count) * 2 * kPi;
  Stroke unit;
  for (int i = 0; i <= int(steps_per_loop) * count; ++i) {
    const float t = total * float(i) / (steps_per_loop * float(count));
    unit.push_back({radius * t - reach * std::sin(t), -reach * std::cos(t)});
  }
  // Fit the row into the unit box.
  const float width = radius * total + 2 * reach;
  for (Point& p : unit) p.x = p.x / width - 0.5f + reach / width, p.y /= width;
  return {jitter(place(unit, at, rng.uniform(-0.3f, 0.3f)), 0.01f * at.size, rng)};
}

// An arrow in any direction: a shaft and a head of two short strokes (or one bent one).
std::vector<Stroke> arrow(Rng& rng, const Placement& at) {
  const float angle = rng.uniform(0, 2 * kPi), head = rng.uniform(0.15f, 0.3f), spread = rng.uniform(0.4f, 0.8f);
  const Point tip{0.5f, 0}, left{0.5f - head * std::cos(spread), -head * std::sin(spread)},
      right{0.5f - head * std::cos(spread), head * std::sin(spread)};
  std::vector<Stroke> strokes = {place({{-0.5f, 0}, tip}, at, angle)};
  if (rng.below(2)) strokes.push_back(place({left, tip, right}, at, angle));
  else strokes.push_back(place({left, tip}, at, angle)), strokes.push_back(place({right, tip}, at, angle));
  for (Stroke& s : strokes) s = jitter(s, 0.01f * at.size, rng);
  return strokes;
}

// A tick: a short stroke down and a long one up.
std::vector<Stroke> check(Rng& rng, const Placement& at) {
  const float turn = rng.uniform(-0.2f, 0.2f);
  Stroke unit = {{-0.45f, rng.uniform(-0.05f, 0.15f)}, {rng.uniform(-0.25f, -0.05f), 0.45f}, {0.5f, -0.5f}};
  return {jitter(place(unit, at, turn), 0.01f * at.size, rng)};
}

std::vector<float> to_float(const uint8_t* image, int side) {
  std::vector<float> out(size_t(side) * side);
  for (size_t i = 0; i < out.size(); ++i) out[i] = float(image[i]) / 255.0f;
  return out;
}

std::vector<std::string> with_dir(std::initializer_list<const char*> files) {
  std::vector<std::string> out;
  for (const char* f : files) out.push_back(std::string(kFontDir) + f);
  return out;
}

}  // namespace

const char* const kLetters = "AEFHKMNPRVWXhkmnrvwx";
const char* const kSymbols = "#@%*~<>";
const char32_t* const kGlyphs = U"+=?!$€¥¶÷±√∑παγλμωΣΠΩΔΛΨΦЖФШЩЯДЛПИЦыюжあまぬねわはほ木川日本手水火";

const std::vector<FamilyInfo>& families() {
  static const std::vector<FamilyInfo> all = {
      {Family::Scribble, "scribble", false},      {Family::Hatching, "hatching", false},
      {Family::Cross, "cross", false},            {Family::Zigzag, "zigzag", false},
      {Family::Polygon, "polygon", false},        {Family::Dots, "dots", false},
      {Family::Dashes, "dashes", false},          {Family::Letter, "letter", false},
      {Family::TwoDigits, "two-digits", false},   {Family::Clothing, "clothing", false},
      {Family::Loops, "loops", false},            {Family::Arrow, "arrow", false},
      {Family::Check, "check", false},            {Family::Glyph, "glyph", false},
      {Family::Star, "star", true},               {Family::Spiral, "spiral", true},
      {Family::Wave, "wave", true},               {Family::LetterOtherFonts, "letter-other-fonts", true},
      {Family::Symbol, "symbol", true},           {Family::ClothingOther, "clothing-other-classes", true},
  };
  return all;
}

std::vector<std::string> training_fonts() {
  return with_dir({"opentype/comic-neue/ComicNeue-Regular.otf", "opentype/comic-neue/ComicNeue-Bold.otf",
                   "opentype/comic-neue/ComicNeue-Italic.otf", "opentype/comic-neue/ComicNeue-Light.otf",
                   "truetype/fifthhorseman/dkg.ttf", "truetype/fifthhorseman/dkgBd.ttf",
                   "truetype/fifthhorseman/dkgIt.ttf", "truetype/breip/Breip.ttf",
                   "opentype/bwht/BecauseWeBuild-Regular.otf", "opentype/bwht/BecauseWeConnect-Regular.otf",
                   "opentype/bwht/BecauseWeCreate-Regular.otf", "opentype/bwht/BecauseWeMentor-Regular.otf",
                   "opentype/bwht/BecauseWeOrganize-Regular.otf", "truetype/cabinsketch/CabinSketch-Regular.ttf",
                   "opentype/dancingscript/DancingScript-Regular.otf", "truetype/klee/KleeOne-Regular.ttf",
                   "truetype/klee/KleeOne-SemiBold.ttf", "opentype/kaushanscript/KaushanScript-Regular.otf",
                   "truetype/sjfonts/Delphine.ttf", "truetype/rufscript/Rufscript010.ttf",
                   "truetype/kiloji/kiloji.ttf", "truetype/kiloji/kiloji_b.ttf", "truetype/dejavu/DejaVuSans.ttf",
                   "truetype/dejavu/DejaVuSerif.ttf", "truetype/dejavu/DejaVuSansMono.ttf",
                   "truetype/ecolier-court/Ecolier-court.ttf", "truetype/seto/setofont.ttf",
                   "truetype/tlwg/Purisa.ttf", "truetype/tomsontalks/TomsonTalks.ttf",
                   "truetype/yozvox-yozfont/YOzRA_.ttf", "truetype/yozvox-yozfont/YOzBNF.ttf",
                   "truetype/yusei-magic/YuseiMagic-Regular.ttf", "opentype/havana/Havana-Regular.otf",
                   "opentype/lobster/lobster.otf", "opentype/opendyslexic/OpenDyslexic-Regular.otf",
                   "opentype/urw-base35/Z003-MediumItalic.otf", "opentype/urw-base35/URWGothic-Book.otf",
                   "opentype/urw-base35/NimbusSans-Italic.otf", "opentype/urw-base35/C059-Italic.otf"});
}

std::vector<std::string> held_out_fonts() {
  return with_dir({"truetype/humor-sans/Humor-Sans.ttf", "truetype/sjfonts/SteveHand.ttf",
                   "truetype/femkeklaver/femkeklaver.ttf", "truetype/kristi/Kristi.ttf",
                   "opentype/joscelyn/Joscelyn-Regular.otf", "opentype/bwht/BecauseWeLearn-Regular.otf",
                   "truetype/leckerli-one/LeckerliOne-Regular.ttf"});
}

Generator::Generator(const Dataset& mnist, const Dataset& clothing) : mnist_(mnist), clothing_(clothing) {
  for (const std::string& f : training_fonts()) training_fonts_.push_back(fonts_.load(f));
  for (const std::string& f : held_out_fonts()) held_out_fonts_.push_back(fonts_.load(f));
}

std::optional<Image28> Generator::from_image(const std::vector<float>& image, int w, int h, Rng& rng,
                                             bool fill_box, float aspect_spread) {
  // The ink box, to size the drawing by its ink rather than its frame.
  int x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (image[size_t(y) * w + size_t(x)] >= 0.5f) x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
  if (x1 < 0) return std::nullopt;
  const float ink_w = float(x1 - x0 + 1), ink_h = float(y1 - y0 + 1);
  Redraw how;
  how.aspect = std::exp(rng.uniform(-aspect_spread, aspect_spread));  // about 0.5..1.6 at 0.5
  if (fill_box) how.aspect = ink_h / ink_w;                           // the ink box becomes square
  how.slant = rng.uniform(-0.35f, 0.35f);
  how.rotation = 0.12f * rng.normal();
  const float width_over_height = how.aspect * ink_w / ink_h;
  const Placement at = random_placement(rng, std::min(width_over_height, 1.6f));
  how.scale = at.size / ink_h;
  if (width_over_height > 1.6f) how.scale *= 1.6f / width_over_height;  // wide shapes fit too
  how.wobble = at.size * rng.uniform(0.0f, 0.05f);
  how.pen_width = random_pen(rng, at.size);
  // Centre the ink box, not the frame, on the placement.
  const float dx = 0.5f * float(x0 + x1 + 1) - 0.5f * float(w), dy = 0.5f * float(y0 + y1 + 1) - 0.5f * float(h);
  how.centre = {at.centre.x - how.scale * how.aspect * (dx + how.slant * dy), at.centre.y - how.scale * dy};
  Canvas canvas(kCanvasSide);
  redraw(image, w, h, how, rng, canvas);
  return network_input(canvas);
}

std::optional<Image28> Generator::pen_digit(const uint8_t* mnist, Rng& rng, bool fill_box) {
  // Upscaled 3x first, so the centre line is smooth and the pen can be thinner than a pixel of
  // the original.
  constexpr int kSide = 84;
  const std::vector<float> big = resample(to_float(mnist, 28), 28, 28, kSide, kSide);
  return from_image(big, kSide, kSide, rng, fill_box, 0.5f);
}

std::optional<Image28> Generator::from_glyph(char32_t character, bool held_out, Rng& rng, bool fill_box) {
  const std::vector<int>& fonts = held_out ? held_out_fonts_ : training_fonts_;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const int font = fonts[rng.below(uint32_t(fonts.size()))];
    const Glyph g = fonts_.glyph(font, character, 72 + int(rng.below(40)));
    if (g.width == 0) continue;
    return from_image(g.ink, g.width, g.height, rng, fill_box, 0.35f);
  }
  return std::nullopt;
}

std::optional<Image28> Generator::font_digit(int digit, bool held_out, Rng& rng, bool fill_box) {
  return from_glyph(char32_t('0' + digit), held_out, rng, fill_box);
}

std::optional<Image28> Generator::negative(Family family, Rng& rng) {
  const Placement at = random_placement(rng);
  const float pen = random_pen(rng, at.size);
  switch (family) {
    case Family::Scribble: return draw(scribble(rng, at), pen);
    case Family::Hatching: return draw(hatching(rng, at), pen);
    case Family::Cross: return draw(cross(rng, at), pen);
    case Family::Zigzag: return draw(zigzag(rng, at), pen);
    case Family::Polygon: return draw(polygon(rng, at), pen);
    case Family::Dots: return draw(dots(rng, at), pen);
    case Family::Dashes: return draw(dashes(rng, at), pen);
    case Family::Star: return draw(star(rng, at), pen);
    case Family::Spiral: return draw(spiral(rng, at), pen);
    case Family::Wave: return draw(wave(rng, at), pen);
    case Family::Loops: return draw(loops(rng, at), pen);
    case Family::Arrow: return draw(arrow(rng, at), pen);
    case Family::Check: return draw(check(rng, at), pen);
    case Family::Glyph: {
      const size_t count = std::char_traits<char32_t>::length(kGlyphs);
      return from_glyph(kGlyphs[rng.below(uint32_t(count))], false, rng, false);
    }
    case Family::Letter:
    case Family::LetterOtherFonts: {
      const size_t count = std::char_traits<char>::length(kLetters);
      return from_glyph(char32_t(kLetters[rng.below(uint32_t(count))]), family == Family::LetterOtherFonts, rng, false);
    }
    case Family::Symbol: {
      const size_t count = std::char_traits<char>::length(kSymbols);
      // Any font: the family itself is what was never trained on.
      return from_glyph(char32_t(kSymbols[rng.below(uint32_t(count))]), rng.below(2) == 0, rng, false);
    }
    case Family::TwoDigits: {
      // Two digits written side by side, from touching to a third of a digit apart: one
      // drawing of both. MNIST's ink spans about columns 4..23 of its 28.
      const int a = int(rng.below(uint32_t(mnist_.count))), b = int(rng.below(uint32_t(mnist_.count)));
      constexpr int kWidth = 64, kHeight = 40, kTop = 6;
      std::vector<float> pair(size_t(kWidth) * kHeight, 0.0f);
      const int second = 20 + int(rng.below(8));
      for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) {
          float& left = pair[size_t(kTop + y) * kWidth + size_t(x)];
          left = std::max(left, float(mnist_.image(a)[y * 28 + x]) / 255.0f);
          float& right = pair[size_t(kTop + y) * kWidth + size_t(x + second)];
          right = std::max(right, float(mnist_.image(b)[y * 28 + x]) / 255.0f);
        }
      const std::vector<float> big = resample(pair, kWidth, kHeight, 2 * kWidth, 2 * kHeight);
      return from_image(big, 2 * kWidth, 2 * kHeight, rng, false, 0.2f);
    }
    case Family::Clothing:
    case Family::ClothingOther: {
      if (clothing_.count == 0) return std::nullopt;
      // Classes 0-5 (T-shirt, trouser, pullover, dress, coat, sandal) are trained on; 6-9
      // (shirt, sneaker, bag, ankle boot) are held out.
      for (int attempt = 0; attempt < 32; ++attempt) {
        const int i = int(rng.below(uint32_t(clothing_.count)));
        if ((clothing_.labels[size_t(i)] >= 6) != (family == Family::ClothingOther)) continue;
        const std::vector<float> big = resample(to_float(clothing_.image(i), 28), 28, 28, 84, 84);
        return from_image(big, 84, 84, rng, false, 0.2f);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace digitpad::synth
