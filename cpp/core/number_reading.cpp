#include "number_reading.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "errors.hpp"

namespace digitpad {

namespace {

// ---- How the ink is split (measured with the number suite and the robustness suite,
// tests/cpp/test_number_reading.cpp). Lengths are in line heights: the height of the line's
// digits, so the rules hold for any size of writing.

// A minor atom, lower than this, belongs to the digit that holds it: the wider atom within
// whose span its middle lies, or whose span overlaps this share of its own (a 5's top bar over
// its body, a 7's crossbar). Digits side by side overlap by their edges only.
constexpr float kMinorHeight = 0.5f;
constexpr float kMergeOverlap = 0.5f;
// A segment this wide may be digits that touch, and cuts are tried in it (the pen's strokes,
// when given, part touching digits already: a segment with a stroke in it is never cut). A
// single digit as wide (a sprawling 2) stays whole: kOneDigitPrior and the network see to it.
constexpr float kCutMinWidth = 0.9f;
// The narrowest slice a cut leaves on either side (a 1 drawn with a thin pen).
constexpr float kMinSliceWidth = 0.12f;
// The digits of a number are about as high as each other: a part lower than this is not a
// digit (a 5's bar too far from its body to be held, a tail a cut left; networks read such
// bits confidently as 1s and 2s). It may still join a neighbour into a digit.
constexpr float kMinDigitHeight = 0.6f;
// A piece of several slices or segments is no wider than this: the widest digits.
constexpr float kMaxDigitWidth = 1.3f;
// Segments further apart than this are never one digit (the suite's separated digits are 0.15
// apart at least; the parts of a broken stroke are closer).
constexpr float kMaxMergeGap = 0.12f;
// A bit lower than a digit (kMinDigitHeight) may join a neighbour this far away: a 5's bar
// drawn apart, a 1's flag.
constexpr float kMaxMinorGap = 0.3f;
// In a number, a straight stroke shorter than this is a flick, not a 1 (preprocess.hpp; a single
// drawing measures it against the canvas instead).
constexpr float kNumberFlickShare = 0.5f;
// How much likelier a digit is drawn in one go than with another digit's strokes between
// its own (a 4's bar added after the next digit was written).
constexpr double kOutOfTurnPrior = 0.05;
// How much likelier a drawing is one digit than several, before the network has its say: a
// split must read this many times better than the whole (see the DP's end).
constexpr double kOneDigitPrior = 4.0;
// The likelihood of a digit given to a piece a shape rule calls a dot or a flick.
constexpr double kRuleLikelihood = 1e-4;
// Slants tried for the writing (x moves by slant x height, leaning right when positive).
constexpr float kSlantStep = 0.1f;
constexpr int kSlantSteps = 5;  // -0.5 .. 0.5

// A split of ink the network calls no digit as a whole stands only when its parts are digits
// read this sure (geometric mean): 0.8 kept 99.8% of the number suite's right readings and
// turned most cut-up held-out shapes back into "not a digit" (test ShapesThatAreNoDigit...).
constexpr double kMinSplitConfidence = 0.8;
constexpr double kImpossible = -std::numeric_limits<double>::infinity();

// An atom or a segment: its box in the drawing, its ink, its span along the line.
struct Part {
  PixelBox box;
  double mass = 0;
  float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
  float width() const { return hi - lo; }
  float middle() const { return 0.5f * (lo + hi); }
};

// A segment, or the part of one between two cuts. lo/hi: its span along the line; a
// segment's first and last slice reach past its ends so that every pixel falls in one.
struct Slice {
  int segment;
  float lo, hi;
};

// Consecutive slices [first, end) read as one digit.
struct Piece {
  int first, end;
  PreprocessResult seen;
  double score = kImpossible;  // log-likelihood of a digit
};

// The writing's coordinates along the line: x with the slant taken out (slant > 0: leaning
// right, the top of a stroke slant x height right of its foot).
struct Deslant {
  float slant = 0, centre_y = 0;
  float along(int x, int y) const { return float(x) + 0.5f + slant * (float(y) + 0.5f - centre_y); }
};

int find_root(std::vector<int>& parent, int i) {
  while (parent[size_t(i)] != i) i = parent[size_t(i)] = parent[size_t(parent[size_t(i)])];
  return i;
}

// The line's height: the median height of its substantial columns, parts whose spans along
// the line overlap taken together (the parts of a broken 3 lie one above the other; a dash
// or a dot is not substantial).
float line_height_of(std::vector<Part> parts) {
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.lo < b.lo; });
  std::vector<Part> columns;
  for (const Part& p : parts) {
    if (!columns.empty() && p.lo < columns.back().hi) {
      Part& c = columns.back();
      c.box.include(p.box);
      c.mass += p.mass;
      c.hi = std::max(c.hi, p.hi);
    } else {
      columns.push_back(p);
    }
  }
  double heaviest = 0;
  for (const Part& c : columns) heaviest = std::max(heaviest, c.mass);
  std::vector<int> heights;
  for (const Part& c : columns)
    if (c.mass >= 0.25 * heaviest) heights.push_back(c.box.height());
  std::nth_element(heights.begin(), heights.begin() + long(heights.size() / 2), heights.end());
  return float(heights[heights.size() / 2]);
}

void check_strokes(const std::vector<PenStroke>& strokes) {
  int64_t points = 0;
  for (const PenStroke& stroke : strokes) {
    points += int64_t(stroke.size());
    for (const PenPoint& p : stroke)
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) throw ConfigError("stroke points must be finite numbers");
  }
  check_stroke_points(points);
}

// Each ink pixel's atom: with strokes, the stroke nearest along the ink (each stroke's centre
// line seeds its pixels, and a breadth-first search spreads the seeds through the blobs); a
// blob no stroke passes through, or ink without strokes, is an atom of its own. owner: the
// atom per pixel, -1 without ink; numbers are those of the strokes, then strokes.size() + blob.
void assign_atoms(const std::vector<PenStroke>& strokes, int width, int height, const std::vector<int>& blob,
                  std::vector<int>& owner, std::vector<int>& queue) {
  const int stroke_count = int(strokes.size());
  owner.assign(blob.size(), -1);
  queue.clear();
  // Seeds: the pixels under each stroke's centre line, a step of at most a pixel at a time.
  // The walk is clipped to the drawing, so a point far outside costs nothing.
  int64_t budget = 8 * int64_t(width) * height + kMaxStrokePoints;  // bounds the walk for any input
  auto seed = [&](float x, float y, int stroke) {
    const int px = int(std::floor(x)), py = int(std::floor(y));
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    const size_t p = size_t(py) * width + size_t(px);
    if (blob[p] < 0 || owner[p] >= 0) return;
    owner[p] = stroke;
    queue.push_back(int(p));
  };
  for (int s = 0; s < stroke_count && budget > 0; ++s) {
    const PenStroke& stroke = strokes[size_t(s)];
    for (size_t k = 0; k < stroke.size() && budget > 0; ++k) {
      PenPoint a = stroke[k], b = stroke[std::min(k + 1, stroke.size() - 1)];
      a.x = std::clamp(a.x, -1.0f, float(width)), a.y = std::clamp(a.y, -1.0f, float(height));
      b.x = std::clamp(b.x, -1.0f, float(width)), b.y = std::clamp(b.y, -1.0f, float(height));
      const int steps = int(std::ceil(std::max(std::abs(b.x - a.x), std::abs(b.y - a.y))));
      budget -= steps + 1;
      for (int t = 0; t <= steps; ++t) {
        const float f = steps ? float(t) / float(steps) : 0.0f;
        seed(a.x + f * (b.x - a.x), a.y + f * (b.y - a.y), s);
      }
    }
  }
  for (size_t next = 0; next < queue.size(); ++next) {
    const int p = queue[next], px = p % width, py = p / width;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int qx = px + dx, qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
        const size_t q = size_t(qy) * width + size_t(qx);
        if (blob[q] >= 0 && owner[q] < 0) {
          owner[q] = owner[size_t(p)];
          queue.push_back(int(q));
        }
      }
  }
  for (size_t p = 0; p < blob.size(); ++p)
    if (blob[p] >= 0 && owner[p] < 0) owner[p] = stroke_count + blob[p];
}

// The slant that makes the ink's columns sharpest: the vertical strokes of upright digits
// pile up in few columns (the sum of squared column masses is largest).
// inked: the pixels with ink (their indices), inside box.
float estimate_slant(const std::vector<float>& ink, int width, const std::vector<int>& inked, const PixelBox& box,
                     std::vector<double>& columns) {
  const float centre_y = 0.5f * float(box.y0 + box.y1 + 1);
  const float reach = std::ceil(kSlantStep * kSlantSteps * float(box.height()));
  float best_slant = 0;
  double best = -1;
  // 0 first, then outwards, so a tie keeps the smaller slant.
  for (int k = 0; k <= 2 * kSlantSteps; ++k) {
    const int step = (k + 1) / 2 * (k % 2 ? 1 : -1);
    const Deslant d{kSlantStep * float(step), centre_y};
    columns.assign(size_t(box.width()) + 2 * size_t(reach) + 2, 0.0);
    const float origin = float(box.x0) - reach;
    for (const int p : inked)
      columns[size_t(std::clamp(int(d.along(p % width, p / width) - origin), 0, int(columns.size()) - 1))] += ink[size_t(p)];
    double sharpness = 0;
    for (double c : columns) sharpness += c * c;
    if (sharpness > best) best = sharpness, best_slant = d.slant;
  }
  return best_slant;
}

// Each atom's parent: a minor atom (a 5's top bar, a 7's crossbar, a speck) joins the widest
// atom that holds it, and only that one: a speck between two digits does not join the two.
// Whether atoms of a digit's height are one digit or two is for the network to say. Parents
// are wider (or as wide and numbered before), so following them ends.
template <typename IsMinor>
std::vector<int> hosts_of_minor_atoms(const std::vector<Part>& atoms, IsMinor minor) {
  const int count = int(atoms.size());
  std::vector<int> parent(static_cast<size_t>(count));
  std::iota(parent.begin(), parent.end(), 0);
  for (int i = 0; i < count; ++i) {
    const Part& narrow = atoms[size_t(i)];
    if (!minor(narrow)) continue;
    int host = -1;
    for (int j = 0; j < count; ++j) {
      const Part& wide = atoms[size_t(j)];
      if (j == i || wide.width() < narrow.width() || (wide.width() == narrow.width() && j > i)) continue;
      const float overlap = std::min(narrow.hi, wide.hi) - std::max(narrow.lo, wide.lo);
      const bool held = (narrow.middle() >= wide.lo && narrow.middle() <= wide.hi) || overlap >= kMergeOverlap * narrow.width();
      if (held && (host < 0 || wide.width() > atoms[size_t(host)].width())) host = j;
    }
    if (host >= 0) parent[size_t(i)] = host;
  }
  return parent;
}

// Where to try cutting a segment too wide for one digit: along the slant, where the least ink
// crosses (the smoothed column masses' lowest local minima), at least min_slice apart and from
// its ends; at most `most`, left to right. owner: the segment per pixel (this one is g).
std::vector<float> cut_candidates(const Part& s, int g, const std::vector<float>& ink, int width,
                                  const std::vector<int>& owner, const Deslant& deslant, int min_slice, int most) {
  const int first = int(std::floor(s.lo)), count = int(std::ceil(s.hi)) - first + 1;
  std::vector<double> columns(size_t(count), 0.0);
  for (int y = s.box.y0; y <= s.box.y1; ++y)
    for (int x = s.box.x0; x <= s.box.x1; ++x) {
      const size_t p = size_t(y) * width + size_t(x);
      if (owner[p] == g) columns[size_t(std::clamp(int(std::floor(deslant.along(x, y))) - first, 0, count - 1))] += ink[p];
    }
  std::vector<double> smooth(columns.size());
  for (int c = 0; c < count; ++c)
    smooth[size_t(c)] = (columns[size_t(std::max(0, c - 1))] + columns[size_t(c)] + columns[size_t(std::min(count - 1, c + 1))]) / 3.0;
  std::vector<int> minima;
  for (int c = min_slice; c < count - min_slice; ++c) {
    bool lowest = true;
    for (int k = std::max(0, c - min_slice / 2); k <= std::min(count - 1, c + min_slice / 2) && lowest; ++k)
      lowest = smooth[size_t(k)] > smooth[size_t(c)] || (smooth[size_t(k)] == smooth[size_t(c)] && k >= c);
    if (lowest) minima.push_back(c);
  }
  std::sort(minima.begin(), minima.end(), [&](int a, int b) { return smooth[size_t(a)] < smooth[size_t(b)]; });
  std::vector<float> cuts;
  for (int c : minima) {
    if (int(cuts.size()) >= most) break;
    const float at = float(first + c);
    bool apart = true;
    for (const float other : cuts) apart = apart && std::abs(other - at) >= float(min_slice);
    if (apart) cuts.push_back(at);
  }
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

}  // namespace

void check_stroke_points(int64_t points) {
  if (points > kMaxStrokePoints)
    throw ConfigError("too many stroke points (" + std::to_string(points) + "; at most " +
                      std::to_string(kMaxStrokePoints) + ")");
}

const char* number_state_name(NumberState state) {
  switch (state) {
    case NumberState::Empty: return state_name(ReadingState::Empty);
    case NumberState::NotDigit: return state_name(ReadingState::NotDigit);
    case NumberState::Digit: return state_name(ReadingState::Digit);
    case NumberState::Number: return "number";
  }
  return "?";
}

NumberReading NumberReader::read(const uint8_t* rgba, int width, int height, const std::vector<PenStroke>& strokes,
                                 Network& net) {
  check_drawing_size(width, height);
  check_takes_drawings(net);
  check_strokes(strokes);
  const std::vector<float> ink = ink_from_rgba(rgba, width, height);
  // Everything below works on the ink's box with room around it, not the whole pad (a digit
  // covers a fifth of a wide pad; every pass over its pixels costs). The room is more than
  // any step reaches past the ink (a piece's crop: 2 + 7% of its longer side), so the reading
  // is the one the whole drawing gives.
  PixelBox inked = PixelBox::empty(width, height);
  for (int y = 0; y < height; ++y) {
    const float* row = ink.data() + size_t(y) * size_t(width);
    for (int x = 0; x < width; ++x)
      if (row[x] > 0.0f) inked.include(x, y);
  }
  if (inked.is_empty()) return NumberReading{};
  const int room = 4 + int(std::ceil(0.1f * float(inked.longer_side())));
  const PixelBox area{std::max(0, inked.x0 - room), std::max(0, inked.y0 - room), std::min(width - 1, inked.x1 + room),
                      std::min(height - 1, inked.y1 + room)};
  std::vector<PenStroke> moved = strokes;
  for (PenStroke& stroke : moved)
    for (PenPoint& p : stroke) p.x -= float(area.x0), p.y -= float(area.y0);
  NumberReading out = read_ink(crop(ink, width, area), area.width(), area.height(), moved, net,
                               kFlickMaxLengthShare * float(std::min(width, height)));
  for (NumberPart& part : out.parts) part.seen.box_x += area.x0, part.seen.box_y += area.y0;
  return out;
}

NumberReading NumberReader::read_ink(const std::vector<float>& ink, int width, int height,
                                     const std::vector<PenStroke>& strokes, Network& net, float whole_flick_length) {
  const size_t pixels = ink.size();

  // The drawing read as one digit, as read_drawing reads it: a single digit's answer, and the
  // answer whenever the ink is not a row of digits. Read once, when first asked for.
  std::optional<NumberReading> whole_once;
  const auto whole_reading = [&]() -> const NumberReading& {
    if (whole_once) return *whole_once;
    NumberReading& out = whole_once.emplace();
    NumberPart part;
    part.seen = preprocess_ink(ink, width, height, whole_flick_length);
    part.reading = read_drawing(part.seen, net);
    if (part.reading.state == ReadingState::Empty) return out;
    out.state = part.reading.state == ReadingState::Digit ? NumberState::Digit : NumberState::NotDigit;
    out.number = part.reading.state == ReadingState::Digit ? std::string(1, char('0' + part.reading.digit)) : "?";
    out.parts.push_back(std::move(part));
    return out;
  };

  // 1. Atoms.
  const int blobs = label_blobs(ink, width, height, blob_);
  if (blobs == 0) return NumberReading{};
  if (blobs > kMaxAtoms && strokes.empty()) return whole_reading();
  assign_atoms(strokes, width, height, blob_, owner_, queue_);
  // The inked pixels, once: every pass below visits them alone.
  inked_.clear();
  for (size_t p = 0; p < pixels; ++p)
    if (owner_[p] >= 0) inked_.push_back(int(p));
  // Atom numbers made dense: 0..atom_count-1, strokes first, in the order they were drawn.
  std::vector<int> dense(strokes.size() + size_t(blobs), -1);
  for (const int p : inked_) dense[size_t(owner_[size_t(p)])] = 0;
  int atom_count = 0, stroke_atoms = 0;
  for (size_t i = 0; i < dense.size(); ++i)
    if (dense[i] == 0) {
      dense[i] = atom_count++;
      stroke_atoms += i < strokes.size();
    }
  if (atom_count > kMaxAtoms) return whole_reading();
  std::vector<Part> atoms(size_t(atom_count), Part{PixelBox::empty(width, height)});
  PixelBox all = PixelBox::empty(width, height);
  double total_mass = 0;
  for (const int p : inked_) {
    int& owner = owner_[size_t(p)];
    owner = dense[size_t(owner)];
    Part& a = atoms[size_t(owner)];
    const int x = p % width, y = p / width;
    a.box.include(x, y);
    a.mass += ink[size_t(p)];
    all.include(x, y);
    total_mass += ink[size_t(p)];
  }

  // 2. Segments: spans along the slant; minor atoms joined to the digits that hold them.
  const float slant = atom_count > 1 || float(all.width()) >= kCutMinWidth * float(all.height())
                          ? estimate_slant(ink, width, inked_, all, columns_)
                          : 0.0f;
  const Deslant deslant{slant, 0.5f * float(all.y0 + all.y1 + 1)};
  for (const int p : inked_) {
    Part& a = atoms[size_t(owner_[size_t(p)])];
    const float along = deslant.along(p % width, p / width);
    a.lo = std::min(a.lo, along - 0.5f), a.hi = std::max(a.hi, along + 0.5f);
  }
  const float atom_line_height = line_height_of(atoms);
  const auto minor = [&](const Part& atom) { return float(atom.box.height()) < kMinorHeight * atom_line_height; };
  std::vector<int> parent = hosts_of_minor_atoms(atoms, minor);
  std::vector<Part> merged(size_t(atom_count), Part{PixelBox::empty(width, height)});
  // A segment with a stroke in it is never cut: a pen is lifted between digits.
  std::vector<bool> has_stroke(size_t(atom_count), false);
  for (int i = 0; i < atom_count; ++i) {
    const Part& a = atoms[size_t(i)];
    const int root = find_root(parent, i);
    Part& m = merged[size_t(root)];
    m.box.include(a.box);
    m.mass += a.mass;
    m.lo = std::min(m.lo, a.lo), m.hi = std::max(m.hi, a.hi);
    if (i < stroke_atoms) has_stroke[size_t(root)] = true;
  }
  // Segments left to right; a segment with a speck's share of the ink is dropped, as
  // preprocessing drops specks.
  std::vector<int> order;
  for (int i = 0; i < atom_count; ++i)
    if (find_root(parent, i) == i && merged[size_t(i)].mass >= kSpeckShare * total_mass) order.push_back(i);
  if (order.empty() || int(order.size()) > kMaxSegments) return whole_reading();
  std::sort(order.begin(), order.end(), [&](int a, int b) { return merged[size_t(a)].middle() < merged[size_t(b)].middle(); });
  std::vector<int> segment_of_root(size_t(atom_count), -1);
  std::vector<Part> segments;
  std::vector<bool> may_cut;
  for (int root : order) {
    segment_of_root[size_t(root)] = int(segments.size());
    segments.push_back(merged[size_t(root)]);
    may_cut.push_back(!has_stroke[size_t(root)]);
  }
  for (const int p : inked_) owner_[size_t(p)] = segment_of_root[size_t(find_root(parent, owner_[size_t(p)]))];

  const float line_height = line_height_of(segments);
  const auto too_low = [&](const PreprocessResult& seen) { return float(seen.box_height) < kMinDigitHeight * line_height; };
  const auto digit_high = [&](int g) { return float(segments[size_t(g)].box.height()) >= kMinDigitHeight * line_height; };
  // Which segment each stroke's ink went to, for the order they were drawn in; -1 for none and
  // for minor strokes (a spur, a dot: they join the nearest digit, drawn when they were).
  std::vector<int> stroke_segment(strokes.size(), -1);
  for (size_t k = 0; k < strokes.size(); ++k)
    if (dense[k] >= 0 && !minor(atoms[size_t(dense[k])]))
      stroke_segment[k] = segment_of_root[size_t(find_root(parent, dense[k]))];
  // Whether a piece's strokes were drawn one after another (digits are written one at a time).
  const auto drawn_in_turn = [&](int first_segment, int last_segment) {
    int first = int(strokes.size()), last = -1;
    for (int k = 0; k < int(strokes.size()); ++k)
      if (stroke_segment[size_t(k)] >= first_segment && stroke_segment[size_t(k)] <= last_segment)
        first = std::min(first, k), last = std::max(last, k);
    for (int k = first; k <= last; ++k)
      if (stroke_segment[size_t(k)] >= 0 && (stroke_segment[size_t(k)] < first_segment || stroke_segment[size_t(k)] > last_segment))
        return false;
    return true;
  };

  // 3. Slices: cuts tried in segments too wide for one digit, where the least ink crosses.
  std::vector<Slice> slices;
  constexpr float kOpen = 1e30f;  // a segment's outer ends
  for (int g = 0; g < int(segments.size()); ++g) {
    const Part& s = segments[size_t(g)];
    const int room = kMaxSlices - int(slices.size()) - (int(segments.size()) - g);
    const std::vector<float> cuts =
        may_cut[size_t(g)] && s.width() >= kCutMinWidth * line_height && room > 0
            ? cut_candidates(s, g, ink, width, owner_, deslant, std::max(2, int(std::lround(kMinSliceWidth * line_height))),
                             std::min(kMaxCutsPerSegment, room))
            : std::vector<float>{};
    float lo = -kOpen;
    for (const float at : cuts) {
      slices.push_back({g, lo, at});
      lo = at;
    }
    slices.push_back({g, lo, kOpen});
  }
  const int slice_count = int(slices.size());
  // One segment without cuts: the drawing is one piece, read as a single drawing is.
  if (slice_count == 1) return whole_reading();

  // 4. Pieces: each segment alone, and runs of slices no wider than a digit across gaps
  // small enough for one digit.
  const auto span_of = [&](const Slice& s) {
    const Part& g = segments[size_t(s.segment)];
    return std::pair{std::max(g.lo, s.lo), std::min(g.hi, s.hi)};
  };
  std::vector<Piece> pieces;
  pieces.reserve(size_t(slice_count) * (kMaxSlicesPerPiece + 1));  // each end: its runs and its segment
  const auto possible_piece = [&](int first, int end) {
    const Slice& a = slices[size_t(first)];
    const Slice& b = slices[size_t(end - 1)];
    const bool whole_segment = a.segment == b.segment && a.lo == -kOpen && b.hi == kOpen;
    // Segments whose spans overlap may be one digit however wide they are together (a 2 with a
    // long tail in a stroke of its own).
    bool overlapping = a.segment != b.segment, possible = true;
    for (int k = first; k + 1 < end && possible; ++k)
      if (slices[size_t(k)].segment != slices[size_t(k + 1)].segment) {
        const float gap = span_of(slices[size_t(k + 1)]).first - span_of(slices[size_t(k)]).second;
        const bool minor = !digit_high(slices[size_t(k)].segment) || !digit_high(slices[size_t(k + 1)].segment);
        possible = gap <= (minor ? kMaxMinorGap : kMaxMergeGap) * line_height;
        overlapping = overlapping && gap < 0;
      }
    return possible && (whole_segment || overlapping || span_of(b).second - span_of(a).first <= kMaxDigitWidth * line_height);
  };
  const auto add_piece = [&](int first, int end) {
    if (possible_piece(first, end)) pieces.push_back({first, end, {}, kImpossible});
  };
  for (int end = 1; end <= slice_count; ++end) {
    const int nearest = std::max(0, end - kMaxSlicesPerPiece);
    for (int first = end - 1; first >= nearest; --first)
      if (first > 0 || end < slice_count) add_piece(first, end);  // all of it: the whole drawing, below
    // A segment of more slices than a piece spans is still tried whole.
    if (slices[size_t(end - 1)].hi == kOpen) {
      int first = end - 1;
      while (slices[size_t(first)].lo != -kOpen) --first;
      if (first < nearest && (first > 0 || end < slice_count)) add_piece(first, end);
    }
  }

  // Each piece preprocessed as a drawing of its own: its pixels (its segments' ink between
  // its cuts) on a blank crop with room for preprocessing to grow the strokes.
  const float flick_max_length = kNumberFlickShare * line_height;
  images_.resize(kDigitSide * kDigitSide, Eigen::Index(pieces.size()));
  std::vector<float> crop;
  for (size_t n = 0; n < pieces.size(); ++n) {
    Piece& piece = pieces[n];
    PixelBox area = PixelBox::empty(width, height);
    for (int k = piece.first; k < piece.end; ++k) area.include(segments[size_t(slices[size_t(k)].segment)].box);
    const auto inside = [&](int x, int y) {
      const int g = owner_[size_t(y) * width + size_t(x)];
      if (g < slices[size_t(piece.first)].segment || g > slices[size_t(piece.end - 1)].segment) return false;
      const float along = deslant.along(x, y);
      for (int k = piece.first; k < piece.end; ++k) {
        const Slice& s = slices[size_t(k)];
        if (s.segment == g && along >= s.lo && along < s.hi) return true;
      }
      return false;
    };
    PixelBox tight = PixelBox::empty(width, height);
    for (int y = area.y0; y <= area.y1; ++y)
      for (int x = area.x0; x <= area.x1; ++x)
        if (inside(x, y)) tight.include(x, y);
    if (tight.is_empty()) {  // every pixel cut away: nothing to read
      images_.col(Eigen::Index(n)).setZero();
      continue;
    }
    // Room for stroke growth (preprocessing grows a thin pen by up to 6% of the longer side),
    // within the drawing as for a single drawing.
    const int margin = 2 + int(std::ceil(0.07f * float(tight.longer_side())));
    const PixelBox room{std::max(0, tight.x0 - margin), std::max(0, tight.y0 - margin),
                        std::min(width - 1, tight.x1 + margin), std::min(height - 1, tight.y1 + margin)};
    crop.assign(size_t(room.width()) * size_t(room.height()), 0.0f);
    for (int y = tight.y0; y <= tight.y1; ++y)
      for (int x = tight.x0; x <= tight.x1; ++x)
        if (inside(x, y))
          crop[size_t(y - room.y0) * room.width() + size_t(x - room.x0)] = ink[size_t(y) * width + size_t(x)];
    piece.seen = preprocess_ink(std::move(crop), room.width(), room.height(), flick_max_length);
    piece.seen.box_x += room.x0;
    piece.seen.box_y += room.y0;
    std::copy(piece.seen.image.begin(), piece.seen.image.end(), images_.col(Eigen::Index(n)).data());
  }
  net.predict(images_, probabilities_);
  const int classes = net.classes();
  for (size_t n = 0; n < pieces.size(); ++n) {
    Piece& piece = pieces[n];
    if (piece.seen.ink == Ink::None) continue;
    const float* p = probabilities_.col(Eigen::Index(n)).data();
    const int digit = int(std::max_element(p, p + kDigitClasses) - p);
    double likelihood = p[digit];  // with 11 outputs, "not a digit" takes its share
    const int first_segment = slices[size_t(piece.first)].segment, last_segment = slices[size_t(piece.end - 1)].segment;
    int high = 0;  // segments as high as a digit in the piece
    for (int g = first_segment; g <= last_segment; ++g) high += digit_high(g);
    // A 1 is one stroke: two of a digit's height side by side are two digits (11 that touch).
    if (piece.seen.ink == Ink::Dot || piece.seen.ink == Ink::Flick || too_low(piece.seen) || (digit == 1 && high > 1))
      likelihood = kRuleLikelihood;
    if (!drawn_in_turn(first_segment, last_segment)) likelihood *= kOutOfTurnPrior;
    piece.score = std::log(std::max(likelihood, 1e-12));
  }

  // The best reading of the line: the pieces most likely digits. What a cut through ink costs
  // is left to the network (a cost per stroke crossed only lost touching digits, measured).
  std::vector<double> best(size_t(slice_count) + 1, kImpossible);
  std::vector<int> came_from(size_t(slice_count) + 1, -1);
  best[0] = 0;
  for (int n = 0; n < int(pieces.size()); ++n) {  // pieces are in order of their end
    const Piece& piece = pieces[size_t(n)];
    if (best[size_t(piece.first)] == kImpossible || piece.score == kImpossible) continue;
    const double total = best[size_t(piece.first)] + piece.score;
    if (total > best[size_t(piece.end)]) best[size_t(piece.end)] = total, came_from[size_t(piece.end)] = n;
  }
  // All the ink as one digit: read as read_drawing reads it, and preferred to a split unless
  // the split reads kOneDigitPrior times better (a digit broken in two, an MNIST 1 with a stray
  // stroke beside it, reads as two digits too).
  float line_lo = segments[0].lo, line_hi = segments[0].hi;
  for (const Part& g : segments) line_lo = std::min(line_lo, g.lo), line_hi = std::max(line_hi, g.hi);
  int high = 0;  // segments as high as a digit
  for (int g = 0; g < int(segments.size()); ++g) high += digit_high(g);
  if (possible_piece(0, slice_count) || line_hi - line_lo <= kMaxDigitWidth * line_height || high <= 1) {
    const NumberReading& whole = whole_reading();
    if (whole.parts.empty()) return whole;
    const NumberPart& one = whole.parts[0];
    const bool rule = one.seen.ink == Ink::Dot || one.seen.ink == Ink::Flick;
    const double likelihood = rule ? kRuleLikelihood : *std::max_element(one.reading.digits.begin(), one.reading.digits.end());
    if (std::log(std::max(likelihood, 1e-12)) + std::log(kOneDigitPrior) >= best[size_t(slice_count)]) return whole;
  }
  if (best[size_t(slice_count)] == kImpossible) return whole_reading();
  std::vector<int> chosen;
  for (int at = slice_count; at > 0; at = pieces[size_t(came_from[size_t(at)])].first) chosen.push_back(came_from[size_t(at)]);
  std::reverse(chosen.begin(), chosen.end());

  NumberReading out;
  bool any_digit = false;
  for (int n : chosen) {
    NumberPart part;
    part.seen = pieces[size_t(n)].seen;
    part.reading = read_seen(part.seen, probabilities_.col(Eigen::Index(n)).data(), classes);
    if (part.reading.state == ReadingState::Digit && too_low(part.seen)) {
      part.reading.state = ReadingState::NotDigit;
      part.reading.reason = NotDigitReason::Small;
      part.reading.digit = -1;
      part.reading.confidence = 1.0f;
    }
    any_digit = any_digit || part.reading.state == ReadingState::Digit;
    out.number += part.reading.state == ReadingState::Digit ? char('0' + part.reading.digit) : '?';
    out.parts.push_back(std::move(part));
  }
  // Parts none of which is a digit: not a row of digits, but one thing, read as a drawing.
  if (!any_digit) return whole_reading();
  // Ink the network calls no digit as a whole, cut into pieces that are not all sure digits,
  // is one shape (a star, a spiral, a wave, a letter), not a number: any shape cuts into
  // pieces of which some look like digits. Ink all in one piece that reads only as 1s side
  // by side is a letter or sign made of lines (A, H, N, V, X, #) however sure: every leaning
  // line reads as a 1, and touching 1s are rare.
  double log_confidence = 0;
  for (const NumberPart& part : out.parts)
    log_confidence += part.reading.state == ReadingState::Digit ? std::log(std::max(double(part.reading.confidence), 1e-12)) : kImpossible;
  const bool sure_digits = log_confidence >= double(out.parts.size()) * std::log(kMinSplitConfidence);
  const bool only_ones = blobs == 1 && std::all_of(out.number.begin(), out.number.end(), [](char c) { return c == '1'; });
  if (!sure_digits || only_ones) {
    const NumberReading& whole = whole_reading();
    if (whole.state == NumberState::NotDigit) return whole;
  }
  out.state = NumberState::Number;
  return out;
}

NumberReading read_number(const uint8_t* rgba, int width, int height, const std::vector<PenStroke>& strokes,
                          Network& net) {
  NumberReader reader;
  return reader.read(rgba, width, height, strokes, net);
}

}  // namespace digitpad
