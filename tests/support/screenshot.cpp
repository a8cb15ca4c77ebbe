#include "support/screenshot.h"

#include <png.h>

#include "support/process.h"

namespace custos::test {

Image read_png(const std::string& path) {
  Image image;
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) return image;
  png.format = PNG_FORMAT_RGBA;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  image.rgba.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.rgba.data(), 0, nullptr)) image.rgba.clear();
  return image;
}

int pixels_of_colour(const Image& image, unsigned r, unsigned g, unsigned b) {
  int count = 0;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4)
    if (image.rgba[i] == r && image.rgba[i + 1] == g && image.rgba[i + 2] == b) ++count;
  return count;
}

Screenshot screenshot(const std::string& html_path, const std::string& png_path,
                      const std::string& profile_dir) {
  auto result = run_process({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                             "--disable-quic", "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                             "--user-data-dir=" + profile_dir, "--window-size=1000,900",
                             "--screenshot=" + png_path, "file://" + html_path});
  Screenshot shot;
  if (result.exit_code != 0) {
    shot.error = result.err;
    return shot;
  }
  shot.image = read_png(png_path);
  if (shot.image.width == 0) shot.error = "no readable PNG: " + result.err;
  return shot;
}

}  // namespace custos::test
