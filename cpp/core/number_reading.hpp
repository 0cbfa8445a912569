// Reading a number: several digits written in a row, as one drawing. The ink is split into
// pieces, each piece is preprocessed as a single drawing is (preprocess_ink) and read by the
// network, and where the ink can be split in several ways recognition decides: every likely
// piece is read, and the split whose pieces read best as digits wins (segmentation by
// recognition: a dynamic programme over the cut points, as classic handwriting readers do).
//
// How the ink becomes pieces:
//  1. atoms: the drawing's blobs of ink; with the pen's strokes, each stroke's ink (a blob
//     that strokes share, digits that touch, is split between them: each pixel goes to the
//     stroke nearest to it along the ink);
//  2. segments: atoms whose spans along the line overlap belong to one digit (a 5's separate
//     top bar, a 4 in two strokes, a 7's crossbar). Spans are measured along the writing's
//     slant, so slanted digits side by side do not overlap;
//  3. slices: a segment too wide to be one digit may be digits that touch; it is cut, along the
//     slant, where the least ink crosses;
//  4. pieces: one slice, or neighbouring slices and segments that are close, no wider than a
//     digit. Each is read; the best reading of the whole line wins.
// A single digit is read exactly as read_drawing reads it: when the ink is one segment, or
// when the one-piece reading wins, the result is the whole drawing's.
#pragma once
#include <string>
#include <vector>

#include "network.hpp"
#include "preprocess.hpp"
#include "reading.hpp"

namespace digitpad {

// A point of a pen stroke, in the drawing's pixels (x right, y down).
struct PenPoint {
  float x = 0, y = 0;
};
using PenStroke = std::vector<PenPoint>;

// What the whole drawing reads as: nothing, one thing that is not a digit, one digit, or a
// number (two parts or more, at least one a digit).
enum class NumberState { Empty, NotDigit, Digit, Number };
const char* number_state_name(NumberState state);  // "empty", "not-digit", "digit", "number"

// One part of a number: a digit, or ink that is not one (a '?').
struct NumberPart {
  PreprocessResult seen;  // what the network saw; its box in the drawing's pixels
  Reading reading;        // the part read as read_drawing reads a drawing
};

struct NumberReading {
  NumberState state = NumberState::Empty;
  std::string number;             // the digits left to right, '?' for a part that is not a digit
  std::vector<NumberPart> parts;  // left to right; one for a single digit, none when empty
};

// Bounds, so that any input costs a bounded amount of work (the fuzzer feeds anything).
// A number longer than a pad holds, or ink in more blobs than that, is read as one drawing
// (it is then most likely a scribble).
constexpr int kMaxAtoms = 128;            // blobs or strokes with ink
constexpr int kMaxSegments = 16;          // separate parts along the line
constexpr int kMaxSlices = 24;            // segments and the slices cut out of them
constexpr int kMaxCutsPerSegment = 4;     // cut candidates tried in one segment
constexpr int kMaxSlicesPerPiece = 3;     // a piece spans at most this many slices (or one segment)
constexpr int64_t kMaxStrokePoints = 1 << 16;  // points over all strokes (throws ConfigError beyond)
// Throws ConfigError when there are more stroke points than kMaxStrokePoints.
void check_stroke_points(int64_t points);

// Reads drawings as numbers; keeps its buffers between calls (a pad calls it on every stroke).
class NumberReader {
 public:
  // rgba: width x height x 4 bytes, as preprocess_drawing takes it. strokes: the pen's strokes
  // in drawing pixels, in the order they were drawn, or none (an image). Throws ConfigError
  // for a size that is not a drawing, too many stroke points, a point that is not finite, or
  // a network that does not read 28x28 drawings.
  NumberReading read(const uint8_t* rgba, int width, int height, const std::vector<PenStroke>& strokes,
                     Network& net);

 private:
  // read on the ink alone (cropped to the ink); whole_flick_length: the flick rule's length
  // for the drawing read as one digit, measured against the whole drawing.
  NumberReading read_ink(const std::vector<float>& ink, int width, int height, const std::vector<PenStroke>& strokes,
                         Network& net, float whole_flick_length);

  std::vector<int> blob_, owner_;  // per pixel: blob, then atom, then segment (-1: no ink)
  std::vector<int> queue_;
  std::vector<double> columns_;    // ink per column along the line
  std::vector<int> inked_;          // the pixels with ink
  Matrix images_, probabilities_;  // the pieces as the network's batch: 784 x pieces
};

// One reading with a reader of its own.
NumberReading read_number(const uint8_t* rgba, int width, int height, const std::vector<PenStroke>& strokes,
                          Network& net);

}  // namespace digitpad
