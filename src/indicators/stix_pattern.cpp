#include "indicators/stix_pattern.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace lumiere::ioc::stix {
namespace {

using Conjunction = std::vector<Comparison>;
using Dnf = std::vector<Conjunction>;

char ascii_upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-';
}

// Thrown only inside this file and turned into a Result at parse_pattern(); a recursive-descent parser
// unwinds far more simply this way than by threading an error through every level.
struct ParseFailure {
  std::size_t offset;
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Pattern parse() {
    Pattern pattern;
    pattern.alternatives = observation_or(0);
    pattern.has_qualifiers = qualifiers_;
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the pattern");
    return pattern;
  }

 private:
  [[noreturn]] void fail(std::string message) const { throw ParseFailure{pos_, std::move(message)}; }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }

  bool peek_char(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  void expect_char(char c) {
    if (!peek_char(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  // Keywords are matched case-insensitively and must end at a non-identifier character.
  bool accept_keyword(std::string_view word) {
    skip_space();
    if (text_.size() - pos_ < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (ascii_upper(text_[pos_ + i]) != word[i]) return false;
    }
    const std::size_t end = pos_ + word.size();
    if (end < text_.size() && is_ident_char(text_[end])) return false;
    pos_ = end;
    return true;
  }

  void enter(std::size_t depth) const {
    if (depth > kMaxPatternDepth) throw ParseFailure{pos_, "pattern nested too deeply"};
  }

  static Dnf disjoin(Dnf left, Dnf right) {
    left.insert(left.end(), std::make_move_iterator(right.begin()), std::make_move_iterator(right.end()));
    return left;
  }

  Dnf conjoin(const Dnf& left, const Dnf& right) const {
    if (left.size() * right.size() > kMaxAlternatives) fail("pattern too complex");
    // Bounds the quadratic copying of long AND chains as well as the number of alternatives.
    const auto widest = [](const Dnf& dnf) {
      std::size_t width = 0;
      for (const auto& conjunction : dnf) width = std::max(width, conjunction.size());
      return width;
    };
    if (widest(left) + widest(right) > kMaxAlternatives) fail("pattern too complex");
    Dnf result;
    result.reserve(left.size() * right.size());
    for (const auto& a : left) {
      for (const auto& b : right) {
        Conjunction both = a;
        both.insert(both.end(), b.begin(), b.end());
        result.push_back(std::move(both));
      }
    }
    return result;
  }

  void check_size(const Dnf& dnf) const {
    if (dnf.size() > kMaxAlternatives) fail("pattern too complex");
  }

  // observation expressions: OR < AND < FOLLOWEDBY < qualified atom
  Dnf observation_or(std::size_t depth) {
    enter(depth);
    Dnf result = observation_and(depth);
    while (accept_keyword("OR")) {
      result = disjoin(std::move(result), observation_and(depth));
      check_size(result);
    }
    return result;
  }

  Dnf observation_and(std::size_t depth) {
    Dnf result = observation_sequence(depth);
    while (accept_keyword("AND")) result = conjoin(result, observation_sequence(depth));
    return result;
  }

  // FOLLOWEDBY requires both observations, in order: for an IOC engine that is a conjunction.
  Dnf observation_sequence(std::size_t depth) {
    Dnf result = qualified_observation(depth);
    while (accept_keyword("FOLLOWEDBY")) result = conjoin(result, qualified_observation(depth));
    return result;
  }

  Dnf qualified_observation(std::size_t depth) {
    Dnf result;
    if (peek_char('[')) {
      ++pos_;
      result = comparison_or(depth + 1);
      expect_char(']');
    } else if (peek_char('(')) {
      ++pos_;
      result = observation_or(depth + 1);
      expect_char(')');
    } else {
      fail("expected '[' or '('");
    }
    while (true) {
      if (accept_keyword("WITHIN")) {
        number_literal();
        if (!accept_keyword("SECONDS")) fail("expected SECONDS");
      } else if (accept_keyword("REPEATS")) {
        number_literal();
        if (!accept_keyword("TIMES")) fail("expected TIMES");
      } else if (accept_keyword("START")) {
        timestamp_literal();
        if (!accept_keyword("STOP")) fail("expected STOP");
        timestamp_literal();
      } else {
        break;
      }
      qualifiers_ = true;
    }
    return result;
  }

  Dnf comparison_or(std::size_t depth) {
    enter(depth);
    Dnf result = comparison_and(depth);
    while (accept_keyword("OR")) {
      result = disjoin(std::move(result), comparison_and(depth));
      check_size(result);
    }
    return result;
  }

  Dnf comparison_and(std::size_t depth) {
    Dnf result = comparison_atom(depth);
    while (accept_keyword("AND")) result = conjoin(result, comparison_atom(depth));
    return result;
  }

  Dnf comparison_atom(std::size_t depth) {
    if (peek_char('(')) {
      ++pos_;
      Dnf inner = comparison_or(depth + 1);
      expect_char(')');
      return inner;
    }
    Comparison comparison;
    object_path(comparison);
    comparison.negated = accept_keyword("NOT");
    comparison.op = comparison_operator();
    literal(comparison, comparison.op == Op::kIn);
    return Dnf{Conjunction{std::move(comparison)}};
  }

  void object_path(Comparison& comparison) {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    if (pos_ == start) fail("expected an object type");
    comparison.object_type.assign(text_.substr(start, pos_ - start));
    if (pos_ >= text_.size() || text_[pos_] != ':') fail("expected ':' after the object type");
    ++pos_;
    path_component(comparison.property);
    while (pos_ < text_.size()) {
      if (text_[pos_] == '.') {
        ++pos_;
        comparison.property.push_back('.');
        path_component(comparison.property);
      } else if (text_[pos_] == '[') {
        // list index: [0] or [*]; kept in the path text for the "unsupported key" report
        const std::size_t open = pos_++;
        while (pos_ < text_.size() && (is_digit(text_[pos_]) || text_[pos_] == '*' || text_[pos_] == '-')) ++pos_;
        if (pos_ >= text_.size() || text_[pos_] != ']') fail("expected ']' closing a list index");
        ++pos_;
        comparison.property.append(text_.substr(open, pos_ - open));
      } else {
        break;
      }
    }
  }

  void path_component(std::string& out) {
    if (pos_ < text_.size() && text_[pos_] == '\'') {
      out.append(string_literal());
      return;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    if (pos_ == start) fail("expected a property name");
    out.append(text_.substr(start, pos_ - start));
  }

  Op comparison_operator() {
    skip_space();
    const std::string_view rest = text_.substr(pos_);
    static constexpr std::pair<std::string_view, Op> kSymbols[] = {
        {"!=", Op::kNotEqual}, {"<>", Op::kNotEqual}, {">=", Op::kGreaterEqual}, {"<=", Op::kLessEqual},
        {"=", Op::kEqual},     {">", Op::kGreater},   {"<", Op::kLess}};
    for (const auto& [symbol, op] : kSymbols) {
      if (rest.starts_with(symbol)) {
        pos_ += symbol.size();
        return op;
      }
    }
    static constexpr std::pair<std::string_view, Op> kWords[] = {{"IN", Op::kIn},
                                                                 {"LIKE", Op::kLike},
                                                                 {"MATCHES", Op::kMatches},
                                                                 {"ISSUBSET", Op::kIsSubset},
                                                                 {"ISSUPERSET", Op::kIsSuperset}};
    for (const auto& [word, op] : kWords) {
      if (accept_keyword(word)) return op;
    }
    fail("expected a comparison operator");
  }

  // STIX strings escape only the quote and the backslash. Other backslash sequences are invalid STIX but
  // occur in real feeds (MISP exports write "\\%20"); they are kept as written rather than rejected.
  std::string string_literal() {
    if (pos_ >= text_.size() || text_[pos_] != '\'') fail("expected a quoted string");
    const std::size_t open = pos_++;
    std::string value;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size()) {
        const char next = text_[pos_ + 1];
        if (next == '\'' || next == '\\') {
          value.push_back(next);
        } else {
          value.push_back(c);
          value.push_back(next);
        }
        pos_ += 2;
        continue;
      }
      if (c == '\'') {
        ++pos_;
        return value;
      }
      value.push_back(c);
      ++pos_;
    }
    pos_ = open;
    fail("unterminated string");
  }

  std::string number_literal() {
    skip_space();
    const std::size_t start = pos_;
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) ++pos_;
    while (pos_ < text_.size() && (is_digit(text_[pos_]) || text_[pos_] == '.')) ++pos_;
    if (pos_ == start || !is_digit(text_[pos_ - 1])) fail("expected a number");
    return std::string(text_.substr(start, pos_ - start));
  }

  void timestamp_literal() {
    skip_space();
    if (pos_ >= text_.size() || ascii_lower(text_[pos_]) != 't') fail("expected a timestamp t'...'");
    ++pos_;
    string_literal();
  }

  void literal(Comparison& comparison, bool allow_set) {
    skip_space();
    if (pos_ >= text_.size()) fail("expected a value");
    const char c = text_[pos_];
    if (c == '\'') {
      comparison.string_value = true;
      comparison.value = string_literal();
      return;
    }
    if (allow_set && c == '(') {
      const std::size_t start = pos_++;
      Comparison element;
      literal(element, false);
      while (peek_char(',')) {
        ++pos_;
        literal(element, false);
      }
      expect_char(')');
      comparison.value.assign(text_.substr(start, pos_ - start));
      return;
    }
    // t'...', h'...', b'...' typed literals
    if ((c == 't' || c == 'h' || c == 'b') && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
      const std::size_t start = pos_++;
      string_literal();
      comparison.value.assign(text_.substr(start, pos_ - start));
      return;
    }
    if (accept_keyword("TRUE") || accept_keyword("FALSE")) {
      comparison.value = "bool";
      return;
    }
    comparison.value = number_literal();
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  bool qualifiers_ = false;
};

}  // namespace

std::string normalised_key(const Comparison& comparison) {
  std::string key = comparison.object_type;
  key.push_back(':');
  const std::string& property = comparison.property;
  std::size_t split = std::string::npos;
  if (property.starts_with("hashes.")) split = 7;
  if (property.starts_with("cert.")) split = 5;
  if (split == std::string::npos) {
    key.append(property);
    return key;
  }
  key.append(property, 0, split);
  for (std::size_t i = split; i < property.size(); ++i) {
    const char c = property[i];
    if (c == '\'' || c == '-') continue;
    key.push_back(ascii_lower(c));
  }
  return key;
}

Result<Pattern> parse_pattern(std::string_view text) {
  try {
    return Parser(text).parse();
  } catch (const ParseFailure& failure) {
    return unexpected(ErrorCode::kParse,
                      "invalid STIX pattern at offset " + std::to_string(failure.offset) + ": " + failure.message);
  }
}

}  // namespace lumiere::ioc::stix
