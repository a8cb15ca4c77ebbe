// Reads a large JSON list one element at a time, holding one chunk of the input at once: for
// resource sets too big to parse whole (a resources.json of 100,000 instances is 300 MB).
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json_text.h"

namespace custos {

class JsonListReader {
 public:
  // `name` is what errors call the input (a file name, or "-" for standard input).
  JsonListReader(std::istream& input, std::string name);
  ~JsonListReader();

  // Whether the input is a JSON list: its first non-blank character is '['.
  bool is_list();

  // For a list: calls `on_element(text, capacity)` for each element in order. `text` is valid
  // during the call only and `capacity` bytes are readable from text.data() (at least
  // text.size() + DocStore::kPadding). Elements are only delimited here; `on_element` parses
  // them, and a JsonTextError it throws comes out as InputError "NAME:LINE:COL: invalid JSON:
  // DETAIL" with the position in the whole input. A malformed list (unclosed, a missing comma,
  // text after the closing bracket) throws the same form.
  void for_each(const std::function<void(std::string_view text, std::size_t capacity)>& on_element);

  // Where an element starts in the whole input (1-based).
  struct Position {
    std::size_t line, column;
  };
  // Like for_each, for a caller that parses the elements later (on other threads): each comes
  // with where it starts, and a JsonTextError found in it becomes the whole input's error with
  // placed_error.
  using PlacedElement =
      std::function<void(std::string_view text, std::size_t capacity, Position start)>;
  void for_each_placed(const PlacedElement& on_element);
  // "NAME:LINE:COL: invalid JSON: DETAIL" for `error` in the element that starts at `start`.
  InputError placed_error(Position start, const JsonTextError& error) const;

  // For anything else: the whole input, as text.
  std::string read_all();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos
