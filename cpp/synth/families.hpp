// The synthetic samples digitpad trains and measures "not a digit" and real-handwriting
// reading with, each drawn on a canvas as a pen drawing and made into the network's 28x28 input
// the way the page does it. Families of negatives (label kNotDigit) are either trained on or
// held out entirely, to measure how the model does on kinds of ink it never saw; fonts are
// split the same way.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dataset.hpp"
#include "fonts.hpp"
#include "pen.hpp"

namespace digitpad::synth {

constexpr int kCanvasSide = 160;  // synthetic drawings' canvas; preprocessing makes it 28x28

enum class Family {
  // trained on
  Scribble, Hatching, Cross, Zigzag, Polygon, Dots, Dashes, Letter, TwoDigits, Clothing,
  // held out: shapes, letters in other fonts, symbols, clothing classes never trained on
  Star, Spiral, Wave, LetterOtherFonts, Symbol, ClothingOther,
  // trained on, added later (last, so that each earlier family's measuring set, seeded by its
  // number, stays the same)
  Loops, Arrow, Check, Glyph,
};

struct FamilyInfo {
  Family family;
  const char* name;
  bool held_out;
};
const std::vector<FamilyInfo>& families();

// Letters that look like no digit, and symbols for the held-out family. Left out, because a
// person writing them may mean a digit or the digit's own shape is among their forms: O o D Q
// U u C c (0), I l i j J L T t (1, 7, 4), S s (5), Z z (2), B (8), b G (6), g q a y (9), e (6),
// f, and & (8).
extern const char* const kLetters;
extern const char* const kSymbols;
// Signs, and letters of other scripts (Greek, Cyrillic, Japanese), for the trained "glyph"
// family: ink people may write that is no digit. Left out for the same reason as above: Greek
// delta, sigma, beta and the partial sign (6, 8), Cyrillic Ze, E and Che (3, 4), b-like be (6),
// the integral sign and Japanese shi (1), Japanese no (6); and < > ^ and their kin, which the
// held-out symbols stand for.
extern const char32_t* const kGlyphs;

// The fonts, by file, found under /usr/share/fonts: training fonts and held-out fonts.
std::vector<std::string> training_fonts();
std::vector<std::string> held_out_fonts();

class Generator {
 public:
  // mnist: digits for "two digits side by side" (the training range only); clothing:
  // Fashion-MNIST (labels 0..9 are its classes), may be empty.
  Generator(const Dataset& mnist, const Dataset& clothing);

  std::optional<Image28> negative(Family family, Rng& rng);
  // An MNIST digit (28x28, 0..255) re-drawn as pen strokes: another pen width, slant, aspect
  // ratio 0.5..1.6, wobble; with `fill_box`, stretched to fill a square box as forms do.
  std::optional<Image28> pen_digit(const uint8_t* mnist, Rng& rng, bool fill_box);
  // A digit from one of the fonts, drawn like a pen digit.
  std::optional<Image28> font_digit(int digit, bool held_out_fonts, Rng& rng, bool fill_box);

 private:
  std::optional<Image28> from_glyph(char32_t character, bool held_out_fonts, Rng& rng, bool fill_box);
  std::optional<Image28> from_image(const std::vector<float>& image, int w, int h, Rng& rng, bool fill_box,
                                    float aspect_spread);

  const Dataset& mnist_;
  const Dataset& clothing_;
  FontLibrary fonts_;
  std::vector<int> training_fonts_, held_out_fonts_;
};

}  // namespace digitpad::synth
