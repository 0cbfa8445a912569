// The number suite: numbers written with MNIST test digits drawn as pen strokes (each digit's
// centre line traced into ordered strokes, as the pen suite does), in a row as people write
// them: digit sizes within 12% of each other, a baseline that wanders, the whole number
// slanted, and gaps from overlapping by 5% of the height to half a digit wide. Seeded, so every
// run writes the same numbers. tests/cpp/test_number_reading.cpp reads them with
// read_number(); `digitpad-synth --numbers` writes them for the browser tests and the bench.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.hpp"
#include "drawing.hpp"
#include "pen.hpp"

namespace digitpad::test {

// An MNIST image (28x28, 0..255) as a pen's strokes: its centre line at kTraceSide x
// kTraceSide (3x, a smooth line), traced into ordered strokes in that frame.
constexpr int kTraceSide = 84;
std::vector<synth::Stroke> digit_strokes(const uint8_t* mnist);
// Whether those strokes describe the digit (synth::centre_line_describes at kTraceSide): a bold
// 8 whose loops are filled thins to a line that reads as 9.
bool centre_line_describes_digit(const uint8_t* mnist);

// How far apart the digits are. Separated: every gap at least kSeparatedGap of the digits'
// height, at most half the two digits' mean width; touching: every gap from -kMostOverlap
// (overlapping) to kSeparatedGap.
enum class Spacing { Separated, Touching };
constexpr float kSeparatedGap = 0.15f;
constexpr float kMostOverlap = 0.05f;
const char* spacing_name(Spacing spacing);  // "separated", "touching"

struct WrittenNumber {
  std::string digits;  // what is written, left to right
  Spacing spacing = Spacing::Separated;
  int width = 0, height = 0;          // the canvas, pixels
  float digit_height = 0, pen_width = 0, slant = 0;
  std::vector<synth::Stroke> strokes;  // in the order written, canvas pixels
  std::vector<int> stroke_digit;       // which digit each stroke belongs to
  std::vector<uint8_t> rgba;           // width x height x 4: the strokes drawn with the pen
};

// A number of `length` digits drawn from `mnist` (only digits whose centre line describes them:
// a bold 8 whose loops are filled thins to a 9), written as `spacing` says.
WrittenNumber write_number(const Dataset& mnist, int length, Spacing spacing, Rng& rng);

// The suite: kNumberSuiteSize numbers from the MNIST test set, lengths 2..6 and both
// spacings in turn, from kNumberSuiteSeed.
constexpr int kNumberSuiteSize = 500;
constexpr uint64_t kNumberSuiteSeed = 2026;
constexpr int kShortestNumber = 2, kLongestNumber = 6;
std::vector<WrittenNumber> number_suite(const Dataset& mnist, int count = kNumberSuiteSize);

}  // namespace digitpad::test
