// Lexer and top-down operator-precedence (Pratt) parser for JMESPath, following the grammar
// and binding powers of the reference implementation (jmespath.py).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "jmespath/ast.h"
#include "jmespath/functions.h"
#include "jmespath/jmespath.h"

namespace custos::jmespath::detail {
namespace {

enum class Tok {
  kEof,
  kUnquotedIdentifier,
  kQuotedIdentifier,
  kLiteral,
  kRbracket,
  kRparen,
  kComma,
  kRbrace,
  kNumber,
  kCurrent,
  kExpref,
  kColon,
  kPipe,
  kOr,
  kAnd,
  kEq,
  kGt,
  kLt,
  kGte,
  kLte,
  kNe,
  kFlatten,
  kStar,
  kFilter,
  kDot,
  kNot,
  kLbrace,
  kLbracket,
  kLparen,
};

std::string_view describe(Tok t) {
  // In the order of the Tok enum.
  // clang-format off
  static constexpr std::string_view kNames[] = {
      "end of expression", "identifier", "quoted identifier", "literal", "']'", "')'", "','",
      "'}'", "number", "'@'", "'&'", "':'",
      "'|'", "'||'", "'&&'", "'=='", "'>'", "'<'", "'>='", "'<='", "'!='",
      "'[]'", "'*'", "'[?'", "'.'", "'!'", "'{'", "'['", "'('"};
  // clang-format on
  return kNames[static_cast<int>(t)];
}

int binding_power(Tok t) {
  switch (t) {
    case Tok::kPipe:
      return 1;
    case Tok::kOr:
      return 2;
    case Tok::kAnd:
      return 3;
    case Tok::kEq:
    case Tok::kGt:
    case Tok::kLt:
    case Tok::kGte:
    case Tok::kLte:
    case Tok::kNe:
      return 5;
    case Tok::kFlatten:
      return 9;
    case Tok::kStar:
      return 20;
    case Tok::kFilter:
      return 21;
    case Tok::kDot:
      return 40;
    case Tok::kNot:
      return 45;
    case Tok::kLbrace:
      return 50;
    case Tok::kLbracket:
      return 55;
    case Tok::kLparen:
      return 60;
    default:
      return 0;
  }
}

// Tokens binding weaker than this end the right-hand side of a projection.
constexpr int kProjectionStop = 10;

constexpr std::string_view kWhitespace = " \t\n\r";

struct Token {
  Tok type;
  std::size_t pos;
  std::string text;  // identifier name, raw string
  Json literal;      // literal value
  std::int64_t number = 0;
};

[[noreturn]] void syntax_error(std::string_view expr, std::size_t column, std::string_view what) {
  throw Error("syntax", fmt::format("syntax error at column {} in '{}': {}", column, expr, what));
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> tokenize() {
    std::vector<Token> tokens;
    while (true) {
      skip_whitespace();
      if (pos_ >= text_.size()) break;
      tokens.push_back(next());
    }
    tokens.push_back(Token{Tok::kEof, text_.size(), {}, {}, 0});
    return tokens;
  }

 private:
  static bool is_identifier_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  void skip_whitespace() {
    pos_ = std::min(text_.find_first_not_of(kWhitespace, pos_), text_.size());
  }

  char peek() const { return pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0'; }

  Token simple(Tok type, std::size_t length) {
    Token t{type, pos_, {}, {}, 0};
    pos_ += length;
    return t;
  }

  // `one` when the next character is `second`, else `other` (one character).
  Token either(char second, Tok one, Tok other) {
    return peek() == second ? simple(one, 2) : simple(other, 1);
  }

  Token next() {
    const char c = text_[pos_];
    if (is_identifier_start(c)) return identifier();
    if (is_digit(c) || c == '-') return number();
    switch (c) {
      case '.':
        return simple(Tok::kDot, 1);
      case '*':
        return simple(Tok::kStar, 1);
      case ']':
        return simple(Tok::kRbracket, 1);
      case ',':
        return simple(Tok::kComma, 1);
      case ':':
        return simple(Tok::kColon, 1);
      case '@':
        return simple(Tok::kCurrent, 1);
      case '(':
        return simple(Tok::kLparen, 1);
      case ')':
        return simple(Tok::kRparen, 1);
      case '{':
        return simple(Tok::kLbrace, 1);
      case '}':
        return simple(Tok::kRbrace, 1);
      case '[':
        if (peek() == ']') return simple(Tok::kFlatten, 2);
        return either('?', Tok::kFilter, Tok::kLbracket);
      case '|':
        return either('|', Tok::kOr, Tok::kPipe);
      case '&':
        return either('&', Tok::kAnd, Tok::kExpref);
      case '<':
        return either('=', Tok::kLte, Tok::kLt);
      case '>':
        return either('=', Tok::kGte, Tok::kGt);
      case '!':
        return either('=', Tok::kNe, Tok::kNot);
      case '=':
        if (peek() == '=') return simple(Tok::kEq, 2);
        syntax_error(text_, pos_, "expected '==' (a single '=' is not an operator)");
      case '\'':
        return raw_string();
      case '"':
        return quoted_identifier();
      case '`':
        return literal();
      default:
        syntax_error(text_, pos_, fmt::format("unexpected character '{}'", c));
    }
  }

  Token identifier() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (is_identifier_start(text_[pos_]) || is_digit(text_[pos_]))) {
      ++pos_;
    }
    return Token{
        Tok::kUnquotedIdentifier, start, std::string(text_.substr(start, pos_ - start)), {}, 0};
  }

  Token number() {
    const std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size() || !is_digit(text_[pos_])) {
      syntax_error(text_, start, "expected a digit after '-'");
    }
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    Token t{Tok::kNumber, start, {}, {}, 0};
    const auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, t.number);
    if (ec != std::errc()) syntax_error(text_, start, "number out of range");
    return t;
  }

  // The text up to the closing `delim` (backslash escapes it), positioned after the delimiter.
  std::string_view delimited(char delim) {
    const std::size_t start = pos_++;
    while (pos_ < text_.size() && text_[pos_] != delim) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      ++pos_;
    }
    if (pos_ >= text_.size()) {
      syntax_error(text_, start, fmt::format("unterminated {}...{}", delim, delim));
    }
    ++pos_;
    return text_.substr(start + 1, pos_ - start - 2);
  }

  static std::string replace_all(std::string_view in, std::string_view from, std::string_view to) {
    std::string out;
    std::size_t i = 0;
    for (std::size_t hit; (hit = in.find(from, i)) != std::string_view::npos;
         i = hit + from.size()) {
      out.append(in.substr(i, hit - i)).append(to);
    }
    return out.append(in.substr(i));
  }

  Token raw_string() {
    const std::size_t start = pos_;
    std::string body = replace_all(delimited('\''), "\\'", "'");
    return Token{Tok::kLiteral, start, {}, Json(std::move(body)), 0};
  }

  Token quoted_identifier() {
    const std::size_t start = pos_;
    const std::string_view body = delimited('"');
    Json name = Json::parse(fmt::format("\"{}\"", body), nullptr, false);
    if (name.is_discarded()) syntax_error(text_, start, "invalid escape in quoted identifier");
    return Token{Tok::kQuotedIdentifier, start, name.get<std::string>(), {}, 0};
  }

  Token literal() {
    const std::size_t start = pos_;
    const std::string body = replace_all(delimited('`'), "\\`", "`");
    Json value = Json::parse(body, nullptr, false);
    if (value.is_discarded()) {
      // Legacy (pre JEP-12) literals: text that is not JSON is taken as a string.
      const std::size_t first = body.find_first_not_of(kWhitespace);
      const std::string_view rest = std::string_view(body).substr(std::min(first, body.size()));
      value = Json::parse(fmt::format("\"{}\"", rest), nullptr, false);
      if (value.is_discarded()) syntax_error(text_, start, "invalid JSON in `literal`");
    }
    return Token{Tok::kLiteral, start, {}, std::move(value), 0};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

NodePtr make(NodeKind kind) { return std::make_unique<Node>(kind); }

NodePtr make(NodeKind kind, NodePtr left, NodePtr right) {
  NodePtr node = make(kind);
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(Lexer(text).tokenize()) {}

  NodePtr parse() {
    NodePtr root = expression(0);
    if (current() != Tok::kEof) fail("unexpected " + std::string(describe(current())));
    return root;
  }

 private:
  Tok current() const { return tokens_[pos_].type; }
  Tok lookahead(std::size_t n) const {
    return tokens_[std::min(pos_ + n, tokens_.size() - 1)].type;
  }
  Token& advance() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  [[noreturn]] void fail(const std::string& what) const {
    syntax_error(text_, tokens_[pos_].pos, what);
  }

  void match(Tok type) {
    if (current() != type) {
      fail(fmt::format("expected {}, got {}", describe(type), describe(current())));
    }
    advance();
  }

  NodePtr expression(int bp) {
    // Bounds the recursion of parsing and evaluation on hostile input.
    if (++depth_ > kMaxDepth) fail(fmt::format("expression nested deeper than {}", kMaxDepth));
    Token& token = advance();
    NodePtr left = nud(token);
    while (bp < binding_power(current())) left = led(advance().type, std::move(left));
    --depth_;
    return left;
  }

  NodePtr nud(Token& token) {
    switch (token.type) {
      case Tok::kLiteral: {
        NodePtr node = make(NodeKind::kLiteral);
        node->literal = std::move(token.literal);
        return node;
      }
      case Tok::kUnquotedIdentifier:
        return field(std::move(token.text));
      case Tok::kQuotedIdentifier:
        if (current() == Tok::kLparen) fail("function names cannot be quoted");
        return field(std::move(token.text));
      case Tok::kStar:
        return nud_star();
      case Tok::kFilter:
        return filter(make(NodeKind::kCurrent));
      case Tok::kLbrace:
        return multi_select_hash();
      case Tok::kLparen: {
        NodePtr inner = expression(0);
        match(Tok::kRparen);
        return inner;
      }
      case Tok::kFlatten:
        return flatten(make(NodeKind::kCurrent));
      case Tok::kNot:
        return unary(NodeKind::kNot, expression(binding_power(Tok::kNot)));
      case Tok::kLbracket:
        return nud_lbracket();
      case Tok::kCurrent:
        return make(NodeKind::kCurrent);
      case Tok::kExpref:
        return unary(NodeKind::kExpRef, expression(binding_power(Tok::kExpref)));
      default:
        syntax_error(text_, token.pos, fmt::format("unexpected {}", describe(token.type)));
    }
  }

  NodePtr led(Tok type, NodePtr left) {
    switch (type) {
      case Tok::kDot:
        return led_dot(std::move(left));
      case Tok::kPipe:
        return make(NodeKind::kPipe, std::move(left), expression(binding_power(type)));
      case Tok::kOr:
        return make(NodeKind::kOr, std::move(left), expression(binding_power(type)));
      case Tok::kAnd:
        return make(NodeKind::kAnd, std::move(left), expression(binding_power(type)));
      case Tok::kLparen:
        return function_call(std::move(left));
      case Tok::kFilter:
        return filter(std::move(left));
      case Tok::kFlatten:
        return flatten(std::move(left));
      case Tok::kLbracket:
        return led_lbracket(std::move(left));
      case Tok::kEq:
        return compare(Comparator::kEq, std::move(left));
      case Tok::kNe:
        return compare(Comparator::kNe, std::move(left));
      case Tok::kLt:
        return compare(Comparator::kLt, std::move(left));
      case Tok::kLte:
        return compare(Comparator::kLte, std::move(left));
      case Tok::kGt:
        return compare(Comparator::kGt, std::move(left));
      case Tok::kGte:
        return compare(Comparator::kGte, std::move(left));
      default:
        --pos_;
        fail(fmt::format("unexpected {}", describe(type)));
    }
  }

  static NodePtr field(std::string name) {
    NodePtr node = make(NodeKind::kField);
    node->name = std::move(name);
    return node;
  }

  static NodePtr unary(NodeKind kind, NodePtr child) {
    NodePtr node = make(kind);
    node->children.push_back(std::move(child));
    return node;
  }

  // Merges chains so that `a.b[0].c` evaluates as one flat loop.
  static NodePtr chain(NodePtr left, NodePtr right) {
    if (left->kind != NodeKind::kChain) left = unary(NodeKind::kChain, std::move(left));
    if (right->kind != NodeKind::kChain) {
      left->children.push_back(std::move(right));
      return left;
    }
    for (NodePtr& child : right->children) left->children.push_back(std::move(child));
    return left;
  }

  NodePtr nud_star() {
    NodePtr right = current() == Tok::kRbracket ? make(NodeKind::kCurrent)
                                                : projection_rhs(binding_power(Tok::kStar));
    return make(NodeKind::kObjectProjection, make(NodeKind::kCurrent), std::move(right));
  }

  NodePtr nud_lbracket() {
    if (current() == Tok::kNumber || current() == Tok::kColon) {
      return project_if_slice(make(NodeKind::kCurrent), index_expression());
    }
    if (current() == Tok::kStar && lookahead(1) == Tok::kRbracket) {
      advance();
      advance();
      return make(NodeKind::kListProjection, make(NodeKind::kCurrent),
                  projection_rhs(binding_power(Tok::kStar)));
    }
    return multi_select_list();
  }

  NodePtr led_dot(NodePtr left) {
    if (current() != Tok::kStar) return chain(std::move(left), dot_rhs(binding_power(Tok::kDot)));
    advance();
    return make(NodeKind::kObjectProjection, std::move(left),
                projection_rhs(binding_power(Tok::kDot)));
  }

  NodePtr led_lbracket(NodePtr left) {
    if (current() == Tok::kNumber || current() == Tok::kColon) {
      return project_if_slice(std::move(left), index_expression());
    }
    match(Tok::kStar);
    match(Tok::kRbracket);
    return make(NodeKind::kListProjection, std::move(left),
                projection_rhs(binding_power(Tok::kStar)));
  }

  NodePtr project_if_slice(NodePtr left, NodePtr index) {
    const bool is_slice = index->kind == NodeKind::kSlice;
    NodePtr indexed = chain(std::move(left), std::move(index));
    if (!is_slice) return indexed;
    return make(NodeKind::kListProjection, std::move(indexed),
                projection_rhs(binding_power(Tok::kStar)));
  }

  // After `[`: `number]` or a slice `start:stop:step]`.
  NodePtr index_expression() {
    if (current() == Tok::kColon || lookahead(1) == Tok::kColon) return slice();
    NodePtr node = make(NodeKind::kIndex);
    node->index = advance().number;
    match(Tok::kRbracket);
    return node;
  }

  NodePtr slice() {
    NodePtr node = make(NodeKind::kSlice);
    std::size_t part = 0;
    while (current() != Tok::kRbracket) {
      if (current() == Tok::kColon && part < 2) {
        ++part;
      } else if (current() == Tok::kNumber && !node->slice[part]) {
        node->slice[part] = tokens_[pos_].number;
      } else {
        fail(fmt::format("unexpected {} in slice", describe(current())));
      }
      advance();
    }
    match(Tok::kRbracket);
    if (node->slice[2] == 0) {
      throw Error("invalid-value",
                  fmt::format("invalid-value error in '{}': slice step cannot be 0", text_));
    }
    return node;
  }

  NodePtr flatten(NodePtr left) {
    return make(NodeKind::kListProjection, unary(NodeKind::kFlatten, std::move(left)),
                projection_rhs(binding_power(Tok::kFlatten)));
  }

  NodePtr filter(NodePtr left) {
    NodePtr condition = expression(0);
    match(Tok::kRbracket);
    NodePtr right = current() == Tok::kFlatten ? make(NodeKind::kCurrent)
                                               : projection_rhs(binding_power(Tok::kFilter));
    NodePtr node = make(NodeKind::kFilterProjection, std::move(left), std::move(right));
    node->children.push_back(std::move(condition));
    return node;
  }

  NodePtr compare(Comparator op, NodePtr left) {
    NodePtr node = make(NodeKind::kCompare, std::move(left), expression(binding_power(Tok::kEq)));
    node->comparator = op;
    return node;
  }

  NodePtr function_call(NodePtr name) {
    if (name->kind != NodeKind::kField) {
      pos_ -= 2;
      fail("invalid function name (only a plain identifier can be called)");
    }
    const std::size_t name_pos = tokens_[pos_ - 2].pos;
    NodePtr node = make(NodeKind::kFunction);
    node->name = std::move(name->name);
    while (current() != Tok::kRparen) {
      node->children.push_back(expression(0));
      if (current() == Tok::kComma) advance();
    }
    match(Tok::kRparen);
    node->function = resolve_function(node->name, node->children.size(), text_, name_pos);
    return node;
  }

  NodePtr multi_select_list() {
    NodePtr node = make(NodeKind::kMultiList);
    while (true) {
      node->children.push_back(expression(0));
      if (current() == Tok::kRbracket) break;
      match(Tok::kComma);
    }
    match(Tok::kRbracket);
    return node;
  }

  NodePtr multi_select_hash() {
    NodePtr node = make(NodeKind::kMultiHash);
    while (true) {
      if (current() != Tok::kUnquotedIdentifier && current() != Tok::kQuotedIdentifier) {
        fail(fmt::format("expected a key name, got {}", describe(current())));
      }
      node->keys.push_back(std::move(advance().text));
      match(Tok::kColon);
      node->children.push_back(expression(0));
      if (current() == Tok::kRbrace) break;
      match(Tok::kComma);
    }
    match(Tok::kRbrace);
    return node;
  }

  NodePtr projection_rhs(int bp) {
    if (binding_power(current()) < kProjectionStop) return make(NodeKind::kCurrent);
    switch (current()) {
      case Tok::kLbracket:
      case Tok::kFilter:
        return expression(bp);
      case Tok::kDot:
        advance();
        return dot_rhs(bp);
      default:
        fail(fmt::format("unexpected {} after a projection", describe(current())));
    }
  }

  NodePtr dot_rhs(int bp) {
    switch (current()) {
      case Tok::kUnquotedIdentifier:
      case Tok::kQuotedIdentifier:
      case Tok::kStar:
        return expression(bp);
      case Tok::kLbracket:
        advance();
        return multi_select_list();
      case Tok::kLbrace:
        advance();
        return multi_select_hash();
      default:
        fail(fmt::format("expected an identifier, '[', '{{' or '*' after '.', got {}",
                         describe(current())));
    }
  }

  static constexpr int kMaxDepth = 512;

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

NodePtr parse(std::string_view text) { return Parser(text).parse(); }

}  // namespace custos::jmespath::detail
