#include "policy/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <mutex>

#include "core/error.h"

namespace custos::policy {

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  // JIT-compiled when first matched, not when the policy loads: `validate` and a policy that
  // never reaches its regex filter do not pay for the machine code (about 10 µs a pattern).
  std::once_flag jit;
  ~Compiled() { pcre2_code_free(code); }
  const pcre2_code* matcher() {
    std::call_once(jit, [this] { pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); });
    return code;  // the interpreter's when the JIT cannot compile it
  }
};

namespace {
// Match data is scratch space; one per thread lets a compiled pattern be shared across threads.
pcre2_match_data* thread_match_data() {
  thread_local std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
      pcre2_match_data_create(2, nullptr), pcre2_match_data_free);
  return data.get();
}
}  // namespace

Regex::Regex(const std::string& pattern, bool ignore_case)
    : compiled_(std::make_unique<Compiled>()) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  // UCP: \d, \w and \b know Unicode, as in Python 3's str patterns. Anchored when compiled,
  // not when matching: given at match time, PCRE2 runs its interpreter instead of the JIT code.
  uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | (ignore_case ? PCRE2_CASELESS : 0);
  compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                  options, &error, &offset, nullptr);
  if (!compiled_->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw InputError("invalid regular expression '" + pattern + "' at offset " +
                     std::to_string(offset) + ": " + reinterpret_cast<char*>(message));
  }
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::match_start(std::string_view text) const {
  int rc = pcre2_match(compiled_->matcher(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(),
                       0, 0, thread_match_data(), nullptr);
  return rc >= 0;
}

std::optional<std::string_view> Regex::first_group(std::string_view text) const {
  pcre2_match_data* data = thread_match_data();
  int rc = pcre2_match(compiled_->matcher(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(),
                       0, 0, data, nullptr);
  if (rc < 0) return std::nullopt;
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
  if (ovector[2] == PCRE2_UNSET) return std::nullopt;
  return text.substr(ovector[2], ovector[3] - ovector[2]);
}

int Regex::capture_count() const {
  uint32_t count = 0;
  pcre2_pattern_info(compiled_->code, PCRE2_INFO_CAPTURECOUNT, &count);
  return static_cast<int>(count);
}

}  // namespace custos::policy
