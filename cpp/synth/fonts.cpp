#include "fonts.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <stdexcept>

namespace digitpad::synth {

struct FontLibrary::State {
  FT_Library library = nullptr;
  std::vector<FT_Face> faces;
  std::vector<std::string> paths;
};

FontLibrary::FontLibrary() : state_(std::make_unique<State>()) {
  if (FT_Init_FreeType(&state_->library)) throw std::runtime_error("FreeType failed to start");
}

FontLibrary::~FontLibrary() {
  for (FT_Face face : state_->faces) FT_Done_Face(face);
  FT_Done_FreeType(state_->library);
}

int FontLibrary::load(const std::string& path) {
  FT_Face face = nullptr;
  if (FT_New_Face(state_->library, path.c_str(), 0, &face))
    throw std::runtime_error("cannot load font " + path + " (install the Debian font packages: scripts/setup.sh)");
  state_->faces.push_back(face);
  state_->paths.push_back(path);
  return int(state_->faces.size()) - 1;
}

Glyph FontLibrary::glyph(int font, char32_t character, int pixel_height) {
  FT_Face face = state_->faces.at(size_t(font));
  const FT_UInt index = FT_Get_Char_Index(face, FT_ULong(character));
  if (index == 0) return {};
  if (FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixel_height)) || FT_Load_Glyph(face, index, FT_LOAD_DEFAULT) ||
      FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL))
    return {};
  const FT_Bitmap& bitmap = face->glyph->bitmap;
  if (bitmap.width == 0 || bitmap.rows == 0 || bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) return {};
  constexpr int kPad = 4;
  Glyph g;
  g.width = int(bitmap.width) + 2 * kPad;
  g.height = int(bitmap.rows) + 2 * kPad;
  g.ink.assign(size_t(g.width) * size_t(g.height), 0.0f);
  for (int y = 0; y < int(bitmap.rows); ++y)
    for (int x = 0; x < int(bitmap.width); ++x)
      g.ink[size_t(y + kPad) * g.width + size_t(x + kPad)] =
          float(bitmap.buffer[y * bitmap.pitch + x]) / float(bitmap.num_grays - 1);
  return g;
}

}  // namespace digitpad::synth
