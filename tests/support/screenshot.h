// Renders an HTML file with headless Chromium (Debian's /usr/bin/chromium) and reads the PNG
// back: how report tests check that a page really draws what it should.
#pragma once

#include <string>
#include <vector>

namespace custos::test {

// RGBA pixels of a PNG file (empty when it cannot be read).
struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgba;
};

Image read_png(const std::string& path);
int pixels_of_colour(const Image& image, unsigned r, unsigned g, unsigned b);

struct Screenshot {
  Image image;
  std::string error;  // Chromium's stderr when it failed (or the image is missing)
};
// Screenshots `html_path` in a 1000x900 window into `png_path`, with a Chromium profile in
// `profile_dir`. Chromium must exist (scripts/test.sh installs it).
Screenshot screenshot(const std::string& html_path, const std::string& png_path,
                      const std::string& profile_dir);

}  // namespace custos::test
