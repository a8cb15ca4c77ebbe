// Why a scanner of our own: simdjson parses documents held whole, and its parse_many wants
// the whole input in memory too, as separate documents rather than one list's elements. So the
// list is split here, a chunk at a time, with simdjson's bit tricks for strings and escapes,
// and each element is then parsed (by simdjson, in DocStore::add_json).
#include "core/json_list.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "core/doc_store.h"
#include "core/error.h"
#include "core/json_text.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace custos {
namespace {

// Bytes are scanned 64 at a time, as bit masks: bit i stands for byte i of the block.
constexpr std::size_t kBlock = 64;
constexpr std::size_t kChunk = std::size_t{1} << 20;  // what one read asks for
static_assert(DocStore::kPadding >= kBlock, "a block read may run past the data into the padding");

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The bytes of the block at `p` that are `c` once or-ed with `fold` ('[' | 0x20 is '{').
[[gnu::always_inline]] inline std::uint64_t bytes_equal(const char* p, char c, char fold = 0) {
#if defined(__SSE2__)
  auto part = [&](std::size_t i) {  // 16 bytes
    __m128i bytes = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i)),
                                 _mm_set1_epi8(fold));
    return std::uint64_t{static_cast<std::uint16_t>(
               _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c))))}
           << (16 * i);
  };
  return part(0) | part(1) | part(2) | part(3);
#else
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < kBlock; ++i)
    if ((p[i] | fold) == c) bits |= std::uint64_t{1} << i;
  return bits;
#endif
}

std::uint64_t first_bits(std::size_t count) {
  return count >= kBlock ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
}

// std::popcount, without calling libgcc for it (x86-64's baseline has no popcnt instruction).
std::size_t count_ones(std::uint64_t bits) {
  bits -= (bits >> 1) & 0x5555555555555555u;
  bits = (bits & 0x3333333333333333u) + ((bits >> 2) & 0x3333333333333333u);
  bits = (bits + (bits >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
  return static_cast<std::size_t>((bits * 0x0101010101010101u) >> 56);
}

// Which bytes are inside strings, a block at a time (simdjson's technique): a quote opens or
// closes a string unless escaped, and in a run of backslashes every other one escapes.
class StringMask {
 public:
  // Bytes inside a string: an opening quote is, a closing one is not.
  std::uint64_t inside(std::uint64_t quotes, std::uint64_t backslashes) {
    std::uint64_t in_string = prefix_xor(quotes & ~escaped(backslashes)) ^ inside_carry_;
    inside_carry_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(in_string) >> 63);
    return in_string;
  }

 private:
  // The bytes that a backslash escapes.
  std::uint64_t escaped(std::uint64_t backslashes) {
    constexpr std::uint64_t kEven = 0x5555555555555555u;
    backslashes &= ~escape_carry_;  // an escaped backslash escapes nothing
    std::uint64_t follows_backslash = backslashes << 1 | escape_carry_;
    // Runs starting on an odd bit, added to the backslashes, carry out of the run's end, which
    // flips the parity that decides which bytes of the run are escaped.
    std::uint64_t odd_starts = backslashes & ~kEven & ~follows_backslash;
    std::uint64_t runs_carried;
    escape_carry_ = __builtin_add_overflow(odd_starts, backslashes, &runs_carried) ? 1 : 0;
    return (kEven ^ (runs_carried << 1)) & follows_backslash;
  }

  static std::uint64_t prefix_xor(std::uint64_t bits) {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    return bits ^ bits << 32;
  }

  std::uint64_t escape_carry_ = 0;  // 1: the next block's first byte is escaped
  std::uint64_t inside_carry_ = 0;  // all ones: the next block starts inside a string
};

std::string describe_byte(char c) {
  if (c >= ' ' && c <= '~') return std::string("'") + c + "'";
  static const char* const kHex = "0123456789abcdef";
  auto byte = static_cast<unsigned char>(c);
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 15];
}

}  // namespace

// The input sits in buffer[0, end) (padded); buffer[0] is byte `base` of the whole input. The
// scan is at `pos`; newlines are counted up to byte `counted` of the whole input.
struct JsonListReader::Impl {
  using PlacedElement = JsonListReader::PlacedElement;
  using Position = JsonListReader::Position;
  std::istream& input;
  std::string name;
  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;  // of data; the padding comes on top
  std::size_t end = 0, pos = 0;
  std::size_t base = 0;
  std::size_t counted = 0, line = 1, line_start = 0;  // line_start: where `line` begins
  bool exhausted = false;                             // the input has no more bytes

  Impl(std::istream& in, std::string input_name) : input(in), name(std::move(input_name)) {
    resize(kChunk);
  }

  void resize(std::size_t data_capacity) {
    auto bigger = std::make_unique<char[]>(data_capacity + DocStore::kPadding);
    if (buffer) std::memcpy(bigger.get(), buffer.get(), end);
    buffer = std::move(bigger);
    capacity = data_capacity;
  }

  // Reads more input, first dropping buffer[0, keep) (and moving `pos` with the rest); grows
  // the buffer when what is kept fills half of it. False at the end of the input.
  bool fill(std::size_t keep) {
    count_lines_to(base + keep);
    std::memmove(buffer.get(), buffer.get() + keep, end - keep);
    end -= keep;
    pos -= keep;
    base += keep;
    if (end > capacity / 2) resize(std::max(2 * end, capacity + kChunk));
    std::size_t wanted = capacity - end;
    input.read(buffer.get() + end, static_cast<std::streamsize>(wanted));
    auto got = static_cast<std::size_t>(input.gcount());
    end += got;
    exhausted = got < wanted;
    return got > 0;
  }

  // Counts the newlines before byte `offset` of the input (still buffered; the offsets asked
  // for only grow).
  void count_lines_to(std::size_t offset) {
    for (std::size_t i = counted - base; i < offset - base; i += kBlock) {
      std::uint64_t newlines = bytes_equal(buffer.get() + i, '\n') & first_bits(offset - base - i);
      if (newlines == 0) continue;
      line += count_ones(newlines);
      line_start = base + i + static_cast<std::size_t>(std::bit_width(newlines));
    }
    counted = std::max(counted, offset);
  }

  // Line and column (1-based) of buffer[index].
  std::pair<std::size_t, std::size_t> position(std::size_t index) {
    count_lines_to(base + index);
    return {line, base + index - line_start + 1};
  }

  InputError error(std::size_t at_line, std::size_t at_column, const std::string& detail) const {
    return InputError(name + ":" + std::to_string(at_line) + ":" + std::to_string(at_column) +
                      ": invalid JSON: " + detail);
  }
  [[noreturn]] void fail(std::size_t at_line, std::size_t at_column, const std::string& detail) {
    throw error(at_line, at_column, detail);
  }

  [[noreturn]] void fail_at(std::size_t index, const std::string& detail) {
    auto [at_line, at_column] = position(index);
    fail(at_line, at_column, detail);
  }

  // Moves `pos` to the next non-blank byte; false at the end of the input.
  bool skip_blanks() {
    for (;;) {
      while (pos < end && is_blank(buffer[pos])) ++pos;
      if (pos < end) return true;
      if (!fill(pos)) return false;
    }
  }

  // Moves `pos` past the object, list or string that starts there and returns where it starts
  // (reading more input moves it); nullopt when the input ends first.
  std::optional<std::size_t> skip_nested(std::size_t start) {
    bool is_string = buffer[pos] == '"';
    StringMask strings;
    std::size_t depth = 0;
    for (;;) {
      if (end - pos < kBlock && !exhausted) {  // whole blocks, so that carries hold
        fill(start);
        start = 0;
        continue;
      }
      if (pos == end) return std::nullopt;
      const char* block = buffer.get() + pos;
      std::uint64_t valid = first_bits(end - pos);
      std::uint64_t quotes = bytes_equal(block, '"') & valid;
      std::uint64_t outside = ~strings.inside(quotes, bytes_equal(block, '\\') & valid) & valid;
      if (is_string) {
        if (std::uint64_t closing = quotes & outside) return finish(start, closing);
      } else {
        std::uint64_t opens = bytes_equal(block, '{', 0x20) & outside;
        std::uint64_t closes = bytes_equal(block, '}', 0x20) & outside;
        for (std::uint64_t brackets = opens | closes; brackets != 0; brackets &= brackets - 1) {
          std::uint64_t bracket = brackets & -brackets;
          if (opens & bracket)
            ++depth;
          else if (--depth == 0)
            return finish(start, bracket);
        }
      }
      pos += std::min(kBlock, end - pos);
    }
  }

  // Moves `pos` past the lowest bit of `last` (in the block at `pos`) and returns `start`.
  std::size_t finish(std::size_t start, std::uint64_t last) {
    pos += static_cast<std::size_t>(std::countr_zero(last)) + 1;
    return start;
  }

  // Moves `pos` past the number or literal that starts there; returns where it starts.
  std::size_t skip_scalar(std::size_t start) {
    for (;;) {
      while (pos < end && buffer[pos] != ',' && buffer[pos] != ']' && !is_blank(buffer[pos])) ++pos;
      if (pos < end || !fill(start)) return start;
      start = 0;
    }
  }

  // Hands the element at `pos` to `on_element` with where it starts.
  void element(const PlacedElement& on_element) {
    char first = buffer[pos];
    if (first == ',' || first == ']')
      fail_at(pos, "expected a list element, not " + describe_byte(first));
    auto [start_line, start_column] = position(pos);
    std::optional<std::size_t> start =
        first == '{' || first == '[' || first == '"' ? skip_nested(pos) : skip_scalar(pos);
    if (!start)
      fail_at(end, "the input ends inside the list element that starts at " +
                       std::to_string(start_line) + ":" + std::to_string(start_column) +
                       " (is the file complete?)");
    on_element(std::string_view(buffer.get() + *start, pos - *start),
               capacity + DocStore::kPadding - *start, Position{start_line, start_column});
  }
};

JsonListReader::JsonListReader(std::istream& input, std::string name)
    : impl_(std::make_unique<Impl>(input, std::move(name))) {}

JsonListReader::~JsonListReader() = default;

bool JsonListReader::is_list() {
  // Nothing is dropped before the first element: read_all() may still want the whole input.
  Impl& in = *impl_;
  for (;;) {
    while (in.pos < in.end && is_blank(in.buffer[in.pos])) ++in.pos;
    if (in.pos < in.end) return in.buffer[in.pos] == '[';
    if (!in.fill(0)) return false;
  }
}

void JsonListReader::for_each(
    const std::function<void(std::string_view text, std::size_t capacity)>& on_element) {
  for_each_placed([&](std::string_view text, std::size_t capacity, Position start) {
    try {
      on_element(text, capacity);
    } catch (const JsonTextError& e) {
      throw placed_error(start, e);
    }
  });
}

InputError JsonListReader::placed_error(Position start, const JsonTextError& error) const {
  std::size_t at_line = start.line + static_cast<std::size_t>(error.line()) - 1;
  std::size_t at_column =
      static_cast<std::size_t>(error.column()) + (error.line() == 1 ? start.column - 1 : 0);
  return impl_->error(at_line, at_column, error.detail());
}

void JsonListReader::for_each_placed(const PlacedElement& on_element) {
  Impl& in = *impl_;
  if (!is_list()) in.fail_at(in.pos, "expected a JSON list ('[')");
  ++in.pos;
  if (!in.skip_blanks())
    in.fail_at(in.end, "the input ends before the list's first element or ']'");
  if (in.buffer[in.pos] != ']') {
    for (;;) {
      in.element(on_element);
      if (!in.skip_blanks())
        in.fail_at(
            in.end,
            "the input ends where ',' or ']' should follow a list element (is the file complete?)");
      char next = in.buffer[in.pos];
      if (next == ']') break;
      if (next != ',')
        in.fail_at(in.pos, "expected ',' or ']' after a list element, not " + describe_byte(next));
      ++in.pos;
      if (!in.skip_blanks())
        in.fail_at(in.end, "the input ends where a list element should follow ','");
    }
  }
  ++in.pos;
  if (in.skip_blanks())
    in.fail_at(in.pos, "expected nothing after the list's closing ']', not " +
                           describe_byte(in.buffer[in.pos]));
}

std::string JsonListReader::read_all() {
  Impl& in = *impl_;
  std::string text(in.buffer.get(), in.end);  // is_list() kept all it read
  in.buffer.reset();
  char chunk[1 << 16];
  while (in.input.read(chunk, sizeof chunk) || in.input.gcount() > 0)
    text.append(chunk, static_cast<std::size_t>(in.input.gcount()));
  return text;
}

}  // namespace custos
