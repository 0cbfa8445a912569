// The training options' table: defaults in range, per-optimizer defaults, type and range
// checks that name the key, and the JSON both front ends compare.
#include <gtest/gtest.h>

#include <set>

#include "errors.hpp"
#include "test_util.hpp"
#include "train_options.hpp"

using namespace digitpad;
using digitpad::test::expect_throw_message;
using ::testing::HasSubstr;

namespace {

OptionList given(std::initializer_list<std::pair<const char*, OptionValue>> pairs) {
  OptionList list;
  for (const auto& [name, value] : pairs) list.emplace_back(find_train_option(name), value);
  return list;
}

std::string error_for(std::initializer_list<std::pair<const char*, OptionValue>> pairs) {
  return expect_throw_message([&] { make_train_options(given(pairs), js_name); });
}

}  // namespace

TEST(TrainOptions, EveryKeyHasOneNameOneFlagAndADefaultInRange) {
  std::set<std::string> names, flags;
  for (const TrainOptionKey& key : train_option_keys()) {
    EXPECT_TRUE(names.insert(key.name).second) << key.name;
    EXPECT_TRUE(flags.insert(key.flag).second) << key.flag;
    EXPECT_EQ(std::string(key.flag).rfind("--", 0), 0u) << key.flag;
    EXPECT_GT(std::string(key.description).size(), 10u) << key.name;
    EXPECT_EQ(find_train_option(key.name), &key);
    EXPECT_EQ(find_train_option_by_flag(key.flag), &key);
  }
  EXPECT_NO_THROW(validate_train_options(TrainOptions()));
  EXPECT_EQ(find_train_option("nonsense"), nullptr);
}

TEST(TrainOptions, DefaultsComeFromTheTableAndDependOnTheOptimizer) {
  const TrainOptions sgd;
  EXPECT_EQ(sgd.optimizer, OptimizerKind::Sgd);
  EXPECT_FLOAT_EQ(sgd.learning_rate, 0.05f);
  EXPECT_EQ(sgd.epochs, 10);
  EXPECT_EQ(sgd.batch_size, 64);
  EXPECT_EQ(sgd.init, Init::Auto);
  EXPECT_FALSE(sgd.augment);
  EXPECT_FLOAT_EQ(sgd.augmentation.max_rotation_deg, 12.0f);
  const TrainOptions adam = make_train_options(given({{"optimizer", OptionValue::of(std::string("adam"))}}), js_name);
  EXPECT_FLOAT_EQ(adam.learning_rate, 0.001f);
  // A given value wins over the optimizer's default, whatever the order of the keys.
  const TrainOptions fast = make_train_options(
      given({{"learningRate", OptionValue::of(0.002)}, {"optimizer", OptionValue::of(std::string("adam"))}}), js_name);
  EXPECT_FLOAT_EQ(fast.learning_rate, 0.002f);
}

TEST(TrainOptions, WrongTypesAndRangesNameTheKeyAndTheRange) {
  EXPECT_EQ(error_for({{"learningRate", OptionValue::of(1e6)}}), "learningRate must be in (0, 10], got 1000000");
  EXPECT_EQ(error_for({{"learningRate", OptionValue::of(0.0)}}), "learningRate must be in (0, 10], got 0");
  EXPECT_EQ(error_for({{"batchSize", OptionValue::of(0.0)}}), "batchSize must be a whole number in 1..65536, got 0");
  EXPECT_EQ(error_for({{"epochs", OptionValue::of(2.5)}}), "epochs must be a whole number in 1..100000, got 2.5");
  EXPECT_EQ(error_for({{"batchSize", OptionValue::of(std::string("many"))}}),
            "batchSize must be a whole number in 1..65536, got 'many'");
  EXPECT_EQ(error_for({{"optimizer", OptionValue::of(std::string("rmsprop"))}}),
            "optimizer must be one of sgd, adam, got 'rmsprop'");
  EXPECT_EQ(error_for({{"augment", OptionValue::of(1.0)}}), "augment must be true or false, got 1");
  EXPECT_EQ(error_for({{"scaleMin", OptionValue::of(1.5)}}), "scaleMin must not exceed scaleMax");
  EXPECT_THAT(expect_throw_message([] {
                make_train_options(given({{"momentum", OptionValue::of(2.0)}}), cli_flag);
              }),
              HasSubstr("--momentum must be in [0, 0.999], got 2"));
}

TEST(TrainOptions, JsonListsEveryKeyInTableOrderWithShortestFloats) {
  TrainOptions o;
  o.learning_rate = 0.002f;
  o.schedule = ScheduleKind::Cosine;
  o.augment = true;
  o.seed = 4294967295u;
  const std::string json = train_options_to_json(o);
  EXPECT_EQ(json.front(), '{');
  EXPECT_THAT(json, HasSubstr("\"learningRate\":0.002,"));
  EXPECT_THAT(json, HasSubstr("\"schedule\":\"cosine\","));
  EXPECT_THAT(json, HasSubstr("\"augment\":true,"));
  EXPECT_THAT(json, HasSubstr("\"seed\":4294967295,"));
  EXPECT_THAT(json, HasSubstr("\"elasticProbability\":0.5}"));
  const std::string table = train_option_keys_json();
  EXPECT_THAT(table, HasSubstr("{\"name\":\"learningRate\",\"flag\":\"--lr\",\"label\":\"Learning rate\","
                               "\"group\":\"optimizer\","
                               "\"type\":\"real\",\"min\":0,\"max\":10,\"minExclusive\":true,"
                               "\"default\":0.05,\"adamDefault\":0.001,"));
  EXPECT_THAT(table, HasSubstr("\"choices\":[\"sgd\",\"adam\"]"));
}
