// Glyphs from the machine's fonts (Debian's handwriting-like font packages), rendered with
// FreeType as ink coverage: the source of font digits and letters for synthetic drawings.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace digitpad::synth {

struct Glyph {
  int width = 0, height = 0;
  std::vector<float> ink;  // 0..1, row-major
};

class FontLibrary {
 public:
  FontLibrary();
  ~FontLibrary();
  FontLibrary(const FontLibrary&) = delete;
  FontLibrary& operator=(const FontLibrary&) = delete;

  // Loads a font file; throws std::runtime_error naming the file when FreeType cannot.
  // Returns its index for glyph().
  int load(const std::string& path);
  // The character at about `pixel_height` pixels per em, with a pad of blank pixels around;
  // an empty glyph (width 0) when the font has no such character or it has no ink.
  Glyph glyph(int font, char32_t character, int pixel_height);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace digitpad::synth
