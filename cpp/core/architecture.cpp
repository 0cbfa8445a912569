#include "architecture.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "errors.hpp"
#include "json.hpp"

namespace digitpad {

std::string Shape::str() const {
  return std::to_string(height) + "x" + std::to_string(width) + "x" + std::to_string(channels);
}

std::string LayerSpec::str() const {
  switch (kind) {
    case LayerKind::Dense: return "dense:" + std::to_string(units);
    case LayerKind::Conv2D: {
      std::string s = "conv:" + std::to_string(units) + "x" + std::to_string(kernel);
      if (padding == 0) s += ":valid";
      else if (padding == (kernel - 1) / 2 && kernel % 2 == 1) s += ":same";
      else s += ":p" + std::to_string(padding);
      if (stride != 1) s += ":s" + std::to_string(stride);
      return s;
    }
    case LayerKind::MaxPool2D: {
      std::string s = "maxpool:" + std::to_string(kernel);
      if (stride != kernel) s += ":s" + std::to_string(stride);
      return s;
    }
    case LayerKind::Flatten: return "flatten";
    case LayerKind::Dropout: {
      std::ostringstream out;
      out << "dropout:" << rate;
      return out.str();
    }
    case LayerKind::ReLU: return "relu";
    case LayerKind::Sigmoid: return "sigmoid";
    case LayerKind::Tanh: return "tanh";
    case LayerKind::Scale: return "scale:" + json_number(scale) + ":" + json_number(shift);
  }
  return "unknown";
}

bool LayerSpec::operator==(const LayerSpec& o) const {
  return kind == o.kind && units == o.units && kernel == o.kernel && stride == o.stride &&
         padding == o.padding && rate == o.rate && scale == o.scale && shift == o.shift;
}

std::string Architecture::spec() const {
  std::string s = "input:" + input.str();
  for (const LayerSpec& layer : layers) s += "," + layer.str();
  return s;
}

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) parts.push_back(part);
  if (!text.empty() && text.back() == sep) parts.emplace_back();
  return parts;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// A whole positive number that fits in an int, or a ConfigError naming the token.
int parse_count(const std::string& text, const std::string& token) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    throw ConfigError("bad number '" + text + "' in layer '" + token + "'");
  return std::atoi(text.c_str());
}

float parse_number(const std::string& text, const std::string& token) {
  char* end = nullptr;
  errno = 0;
  const float v = std::strtof(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v))
    throw ConfigError("bad number '" + text + "' in layer '" + token + "'");
  return v;
}

LayerSpec activation(LayerKind kind) {
  LayerSpec s;
  s.kind = kind;
  return s;
}

LayerKind parse_activation(const std::string& name, const std::string& token) {
  if (name == "relu") return LayerKind::ReLU;
  if (name == "sigmoid") return LayerKind::Sigmoid;
  if (name == "tanh") return LayerKind::Tanh;
  throw ConfigError("unknown activation '" + name + "' in '" + token + "'");
}

// "784-128-64-10[:act]": input of 784 = 28x28x1, dense layers with the activation between.
void expand_mlp_shorthand(const std::string& token, Architecture& arch) {
  const auto colon = token.find(':');
  const std::string sizes = token.substr(0, colon);
  const LayerKind act =
      colon == std::string::npos ? LayerKind::ReLU : parse_activation(token.substr(colon + 1), token);
  const std::vector<std::string> parts = split(sizes, '-');
  const int input = parse_count(parts[0], token);
  if (input == 784) arch.input = Shape{28, 28, 1};
  else arch.input = Shape{1, 1, input};
  for (size_t i = 1; i < parts.size(); ++i) {
    LayerSpec dense;
    dense.kind = LayerKind::Dense;
    dense.units = parse_count(parts[i], token);
    arch.layers.push_back(dense);
    if (i + 1 < parts.size()) arch.layers.push_back(activation(act));
  }
}

LayerSpec parse_layer(const std::string& token) {
  const std::vector<std::string> parts = split(token, ':');
  const std::string& name = parts[0];
  LayerSpec s;
  auto need_args = [&](size_t lo, size_t hi) {
    if (parts.size() - 1 < lo || parts.size() - 1 > hi)
      throw ConfigError("wrong number of arguments in layer '" + token + "'");
  };
  if (name == "dense") {
    need_args(1, 1);
    s.kind = LayerKind::Dense;
    s.units = parse_count(parts[1], token);
  } else if (name == "conv") {
    need_args(1, 3);
    s.kind = LayerKind::Conv2D;
    const std::vector<std::string> fk = split(parts[1], 'x');
    if (fk.size() != 2) throw ConfigError("conv needs FILTERSxKERNEL in '" + token + "'");
    s.units = parse_count(fk[0], token);
    s.kernel = parse_count(fk[1], token);
    s.padding = (s.kernel - 1) / 2;  // "same" by default
    for (size_t i = 2; i < parts.size(); ++i) {
      const std::string& opt = parts[i];
      if (opt == "same") s.padding = (s.kernel - 1) / 2;
      else if (opt == "valid") s.padding = 0;
      else if (opt.size() > 1 && opt[0] == 's') s.stride = parse_count(opt.substr(1), token);
      else if (opt.size() > 1 && opt[0] == 'p') s.padding = parse_count(opt.substr(1), token);
      else throw ConfigError("unknown conv option '" + opt + "' in '" + token + "'");
    }
  } else if (name == "maxpool") {
    need_args(1, 2);
    s.kind = LayerKind::MaxPool2D;
    s.kernel = parse_count(parts[1], token);
    s.stride = s.kernel;
    if (parts.size() == 3) {
      if (parts[2].size() < 2 || parts[2][0] != 's')
        throw ConfigError("unknown maxpool option '" + parts[2] + "' in '" + token + "'");
      s.stride = parse_count(parts[2].substr(1), token);
    }
  } else if (name == "flatten") {
    need_args(0, 0);
    s.kind = LayerKind::Flatten;
  } else if (name == "dropout") {
    need_args(1, 1);
    s.kind = LayerKind::Dropout;
    s.rate = parse_number(parts[1], token);
  } else if (name == "scale") {
    need_args(2, 2);
    s.kind = LayerKind::Scale;
    s.scale = parse_number(parts[1], token);
    s.shift = parse_number(parts[2], token);
  } else if (name == "relu" || name == "sigmoid" || name == "tanh") {
    need_args(0, 0);
    s.kind = parse_activation(name, token);
  } else {
    throw ConfigError("unknown layer '" + name + "' (known: dense, conv, maxpool, flatten, "
                      "dropout, relu, sigmoid, tanh, scale)");
  }
  return s;
}

}  // namespace

Architecture parse_architecture(const std::string& spec, LossKind loss) {
  Architecture arch;
  arch.loss = loss;
  const std::vector<std::string> tokens = split(spec, ',');
  if (trim(spec).empty()) throw ConfigError("empty architecture spec");
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string token = trim(tokens[i]);
    if (token.empty()) throw ConfigError("empty layer in architecture spec '" + spec + "'");
    if (token.find('-') != std::string::npos && std::isdigit(static_cast<unsigned char>(token[0]))) {
      if (i != 0) throw ConfigError("MLP shorthand '" + token + "' must come first");
      expand_mlp_shorthand(token, arch);
    } else if (token.rfind("input:", 0) == 0) {
      if (i != 0) throw ConfigError("'" + token + "' must come first");
      const std::vector<std::string> dims = split(token.substr(6), 'x');
      if (dims.size() == 1) {
        const int n = parse_count(dims[0], token);
        arch.input = n == 784 ? Shape{28, 28, 1} : Shape{1, 1, n};
      } else if (dims.size() == 3) {
        arch.input = Shape{parse_count(dims[0], token), parse_count(dims[1], token),
                           parse_count(dims[2], token)};
      } else {
        throw ConfigError("input needs HxWxC or N in '" + token + "'");
      }
    } else {
      arch.layers.push_back(parse_layer(token));
    }
  }
  if (arch.layers.empty()) throw ConfigError("architecture spec '" + spec + "' has no layers");
  return arch;
}

LossKind parse_loss(const std::string& name) {
  if (name == "ce" || name == "cross-entropy" || name == "softmax-ce")
    return LossKind::SoftmaxCrossEntropy;
  if (name == "mse") return LossKind::MeanSquaredError;
  throw ConfigError("unknown loss '" + name + "' (known: ce, mse)");
}

const char* loss_name(LossKind loss) {
  return loss == LossKind::MeanSquaredError ? "mse" : "ce";
}

}  // namespace digitpad
