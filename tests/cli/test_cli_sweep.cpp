#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "support.hpp"

using namespace stancesim::test;

namespace {

// An experiment over the mini model's scenarios; `design` lines replace the design's keys.
std::string experiment(const std::string& design_lines, const std::string& extra = "") {
  return "[experiment]\n"
         "name = \"mini_sweep\"\n"
         "description = \"a sweep of the mini model\"\n"
         "scenarios = [\"../scenarios/plain.toml\"]\n" +
         design_lines +
         "runs = 6\n"
         "seed = 3\n"
         "metrics = [\"mean_level_alpha_move\", \"final_a\"]\n"
         "\n"
         "[[parameter]]\n"
         "path = \"term.alpha.t1.weight\"\n"
         "low = 0.0\n"
         "high = 2.0\n"
         "claims = [\"C1\"]\n"
         "\n"
         "[[parameter]]\n"
         "path = \"actor.alpha.lambda\"\n"
         "name = \"alpha_lambda\"\n"
         "low = 0.5\n"
         "high = 4.0\n"
         "claims = [\"C2\"]\n" +
         extra;
}

}  // namespace

TEST_CASE("sweep runs every design end to end, with thread-independent bytes") {
  Scratch scratch("sweep");
  copy_mini(scratch.path());
  fs::create_directories(scratch.path() / "experiments");
  struct Case {
    std::string design;
    int rows;
  };
  for (const Case& c : {Case{"design = \"grid\"\n", 0}, Case{"design = \"lhs\"\npoints = 7\n", 7},
                        Case{"design = \"sobol\"\npoints = 4\n", 16},
                        Case{"design = \"morris\"\npoints = 3\nlevels = 4\n", 9}}) {
    CAPTURE(c.design);
    const fs::path file = scratch.path() / "experiments" / "x.toml";
    std::string text = experiment(c.design);
    if (c.rows == 0) {  // a grid: levels per parameter
      text = experiment(c.design);
      text.replace(text.find("high = 2.0\n"), 11, "high = 2.0\nlevels = 3\n");
      text.replace(text.find("high = 4.0\n"), 11, "high = 4.0\nlevels = 2\n");
    }
    write_file(file, text);
    const std::string out = (scratch.path() / "out").string();
    const std::string cmd = binary() + " sweep " + file.string() + " --per-run --force --out ";
    const auto one = run_command(cmd + out + "1 --threads 1");
    REQUIRE(one.exit_code == 0);
    const auto two = run_command(cmd + out + "2 --threads 2");
    REQUIRE(two.exit_code == 0);
    const int rows = c.rows == 0 ? 6 : c.rows;
    for (const char* name : {"design.csv", "parameters.csv", "points.csv", "outcomes.csv"}) {
      CAPTURE(std::string(name));
      CHECK(read_file(fs::path(out + "1") / name) == read_file(fs::path(out + "2") / name));
    }
    const auto design = lines(read_file(fs::path(out + "1") / "design.csv"));
    CHECK(design.front() == "point,term_alpha_t1_weight,alpha_lambda");
    CHECK(design.size() == static_cast<std::size_t>(rows) + 1);
    const auto points = lines(read_file(fs::path(out + "1") / "points.csv"));
    CHECK(points.front() == "scenario,point,metric,runs,mean,sd,ci_low,ci_high");
    CHECK(points.size() == static_cast<std::size_t>(rows) * 2 + 1);
    const auto outcomes = lines(read_file(fs::path(out + "1") / "outcomes.csv"));
    CHECK(outcomes.front() == "scenario,point,run,mean_level_alpha_move,final_a");
    CHECK(outcomes.size() == static_cast<std::size_t>(rows) * 6 + 1);
    const std::string manifest = read_file(fs::path(out + "1") / "manifest.json");
    CHECK(manifest.find("\"command\": \"sweep\"") != std::string::npos);
    CHECK(manifest.find("\"design_points\": " + std::to_string(rows)) != std::string::npos);
  }
}

TEST_CASE("a sweep point at the model's own values reproduces `run` with the same seed") {
  // Common random numbers: run i of every point draws what run i of `stancesim run` draws, so a
  // point that changes nothing gives the same per-run outcomes, and points differ only by their
  // parameters.
  Scratch scratch("sweep");
  copy_mini(scratch.path());
  fs::create_directories(scratch.path() / "experiments");
  const fs::path file = scratch.path() / "experiments" / "x.toml";
  std::string text = experiment("design = \"grid\"\n");
  // t1's weight takes 1.0 (its value in the model) at the grid's middle level; lambda 2.0 alone.
  text.replace(text.find("high = 2.0\n"), 11, "high = 2.0\nlevels = 3\n");
  text.replace(text.find("low = 0.5\nhigh = 4.0\n"), 20, "values = [2.0]\n");
  write_file(file, text);
  const std::string out = (scratch.path() / "sweep").string();
  REQUIRE(run_command(binary() + " sweep " + file.string() + " --per-run --out " + out).exit_code ==
          0);
  const std::string run_out = (scratch.path() / "run").string();
  REQUIRE(run_command(binary() + " run " + (scratch.path() / "scenarios" / "plain.toml").string() +
                      " --runs 6 --seed 3 --outputs outcomes --out " + run_out)
              .exit_code == 0);
  const auto design = lines(read_file(fs::path(out) / "design.csv"));
  REQUIRE(design.size() == 4);
  CHECK(design[2] == "1,1,2");
  // The run's outcomes, reduced to the sweep's two metrics, equal the middle point's rows.
  const auto run_rows = lines(read_file(fs::path(run_out) / "outcomes.csv"));
  const auto header = run_rows.front();
  auto column = [&](const std::string& name) {
    std::istringstream in(header);
    int i = 0;
    for (std::string cell; std::getline(in, cell, ','); ++i)
      if (cell == name) return i;
    return -1;
  };
  const int level = column("mean_level_alpha_move"), final_a = column("final_a");
  REQUIRE(level > 0);
  std::vector<std::string> expected;
  for (std::size_t r = 1; r < run_rows.size(); ++r) {
    std::vector<std::string> cells;
    std::istringstream in(run_rows[r]);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    expected.push_back("plain,1," + std::to_string(r - 1) + "," +
                       cells[static_cast<std::size_t>(level)] + "," +
                       cells[static_cast<std::size_t>(final_a)]);
  }
  std::vector<std::string> middle;
  for (const auto& row : lines(read_file(fs::path(out) / "outcomes.csv")))
    if (row.rfind("plain,1,", 0) == 0) middle.push_back(row);
  CHECK(middle == expected);
  // The three points differ: t1's weight changes what alpha chooses.
  const auto points = lines(read_file(fs::path(out) / "points.csv"));
  CHECK(points[1] != points[3]);
}

TEST_CASE("bad experiment files exit 2 with file:line:col and did-you-mean") {
  Scratch scratch("sweep");
  copy_mini(scratch.path());
  fs::create_directories(scratch.path() / "experiments");
  const fs::path file = scratch.path() / "experiments" / "x.toml";
  const std::string lhs = "design = \"lhs\"\npoints = 5\n";
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = experiment(lhs);
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {with("runs = 6", "runz = 6"),
            "x.toml:7:1: unknown key 'runz' in [experiment] (did "
            "you mean 'runs'?)"},
           {with("term.alpha.t1.weight", "term.alpha.t1.wieght"),
            "x.toml:12:8: unknown parameter path 'term.alpha.t1.wieght' (did you mean "
            "'term.alpha.t1.weight'?)"},
           {with("design = \"lhs\"", "design = \"sobel\""),
            "x.toml:5:10: 'design' in [experiment]: expected \"grid\", \"lhs\", \"sobol\" or "
            "\"morris\""},
           {with("low = 0.5", "low = -1"), "x.toml:20:7: value -1 for 'actor.alpha.lambda'"},
           {with("high = 2.0", "high = -1.0"),
            "x.toml:14:8: 'high' in [[parameter]] "
            "'term.alpha.t1.weight': expected more than low"},
           {with("\"final_a\"", "\"final_aa\""),
            "x.toml:9:11: unknown outcome metric 'final_aa' (did you mean 'final_a'?)"},
           {with("claims = [\"C2\"]", "claims = [\"C9\"]"), "claim id 'C9' is not listed in"},
           {with("points = 5\n", "points = 5\nlevels = 3\n"),
            "'levels' in [experiment]: only with design = \"morris\""},
           {with("high = 2.0\n", "high = 2.0\nlevels = 3\n"),
            "'levels' in [[parameter]] 'term.alpha.t1.weight': only with design = \"grid\""},
           {with("name = \"alpha_lambda\"", "name = \"Alpha-Lambda\""),
            "expected a snake_case column name"},
           {with("name = \"alpha_lambda\"", "name = \"term_alpha_t1_weight\""),
            "column name 'term_alpha_t1_weight' is used twice"},
           {with("name = \"alpha_lambda\"", "name = \"point\""),
            "'point' is design.csv's first column"},
           {with("plain.toml", "plane.toml"), "scenario file"},
           {experiment("design = \"morris\"\npoints = 3\nlevels = 3\n"),
            "Morris needs an even number of levels"},
           {experiment("design = \"grid\"\npoints = 3\n"),
            "a grid's points are its parameters'"}}) {
    CAPTURE(message);
    write_file(file, text);
    const auto r = run_command(binary() + " sweep " + file.string() + " --out " +
                               (scratch.path() / "out").string());
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(message) != std::string::npos);
    if (r.output.find(message) == std::string::npos) MESSAGE(r.output);
    CHECK(!fs::exists(scratch.path() / "out"));
  }
}

TEST_CASE("sensitivity and discover read a sweep and write their tables") {
  Scratch scratch("sweep");
  copy_mini(scratch.path());
  fs::create_directories(scratch.path() / "experiments");
  const fs::path file = scratch.path() / "experiments" / "x.toml";
  const std::string dir = scratch.path().string();
  for (const std::string design : {"sobol", "morris", "lhs"}) {
    CAPTURE(design);
    write_file(file, experiment("design = \"" + design + "\"\npoints = 8\n"));
    REQUIRE(run_command(binary() + " sweep " + file.string() + " --out " + dir + "/" + design)
                .exit_code == 0);
    const auto s = run_command(binary() + " sensitivity " + dir + "/" + design);
    if (design == "lhs") {
      CHECK(s.exit_code == 2);
      CHECK(s.output.find("need a sobol or morris design") != std::string::npos);
    } else {
      REQUIRE(s.exit_code == 0);
      const auto rows =
          lines(read_file(fs::path(dir) / (design + "_sensitivity") / "sensitivity.csv"));
      CHECK(rows.front() == "scenario,metric,parameter,index,estimate,ci_low,ci_high");
      // Two metrics x two parameters x (first_order, total) or (mu_star, mu, sigma).
      CHECK(rows.size() == 1 + 2 * 2 * (design == "sobol" ? 2 : 3));
      CHECK(rows[1].rfind("plain,mean_level_alpha_move,term_alpha_t1_weight,", 0) == 0);
    }
  }
  const auto d = run_command(binary() + " discover " + dir +
                             "/lhs --metric mean_level_alpha_move --above 0.5 --threshold 0.6");
  REQUIRE(d.exit_code == 0);
  const auto trajectory = lines(read_file(fs::path(dir) / "lhs_discovery" / "trajectory.csv"));
  CHECK(trajectory.front() == "box,stage,coverage,density,mass,n_restricted,chosen");
  CHECK(trajectory.back().find(",pasted,") != std::string::npos);
  CHECK(trajectory[1].rfind("0,peeled,1.0000,", 0) == 0);  // the whole data covers every case
  const auto boxes = lines(read_file(fs::path(dir) / "lhs_discovery" / "boxes.csv"));
  CHECK(boxes.front() == "box,stage,parameter,low,high,restricted");
  CHECK(boxes.size() == 1 + 2 * (trajectory.size() - 1));
  const auto unknown =
      run_command(binary() + " discover " + dir + "/lhs --metric final_b --above 0.5");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("it keeps: mean_level_alpha_move, final_a") != std::string::npos);
  // A tampered points.csv is refused at file:line:col.
  std::string points = read_file(fs::path(dir) / "lhs" / "points.csv");
  points.replace(points.find(",6,") + 3, 1, "x");
  write_file(fs::path(dir) / "lhs" / "points.csv", points);
  const auto tampered = run_command(binary() + " discover " + dir +
                                    "/lhs --metric final_a --above 0.5 --out " + dir + "/t");
  CHECK(tampered.exit_code == 2);
  CHECK(tampered.output.find("points.csv:2:") != std::string::npos);
}

TEST_CASE("every example experiment of experiments/ sweeps, and its analysis runs, at small size") {
  Scratch scratch("sweep");
  const std::string out = scratch.path().string();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(source_dir() + "/experiments"))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 4);
  std::set<std::string> designs;
  for (const auto& file : files) {
    const std::string name = file.stem().string();
    CAPTURE(name);
    const auto r =
        run_command(binary() + " sweep " + file.string() + " --runs 2 --out " + out + "/" + name);
    REQUIRE(r.exit_code == 0);
    const std::string manifest = read_file(fs::path(out) / name / "manifest.json");
    const auto at = manifest.find("\"design\": \"");
    REQUIRE(at != std::string::npos);
    const std::string design = manifest.substr(at + 11, manifest.find('"', at + 11) - at - 11);
    designs.insert(design);
    if (design == "sobol" || design == "morris") {
      const auto s = run_command(binary() + " sensitivity " + out + "/" + name + " --resamples 50");
      CHECK(s.exit_code == 0);
      CHECK(fs::exists(fs::path(out) / (name + "_sensitivity") / "sensitivity.csv"));
    }
    const auto d = run_command(binary() + " discover " + out + "/" + name +
                               " --metric mean_level_china_dprk --above 1.5");
    CHECK(d.exit_code == 0);
    CHECK(fs::exists(fs::path(out) / (name + "_discovery") / "boxes.csv"));
  }
  CHECK(designs == std::set<std::string>{"grid", "lhs", "morris", "sobol"});
}

TEST_CASE("a grid or a unit coordinate of 1 never oversteps the range's ends (regression)") {
  // 0.2 + 3 * (1.0 - 0.2) / 3 is 1.0000000000000002 in floating point: the last level of a grid
  // up to a parameter's declared maximum was refused mid-sweep, after --dry-run accepted it.
  Scratch scratch("sweep");
  copy_mini(scratch.path());
  fs::create_directories(scratch.path() / "experiments");
  const fs::path file = scratch.path() / "experiments" / "x.toml";
  std::string text = experiment("design = \"grid\"\n");
  text.replace(text.find("path = \"actor.alpha.lambda\""), 27,
               "path = \"rule.r_flag.probability\"");
  text.replace(text.find("low = 0.5\nhigh = 4.0\n"), 20, "low = 0.2\nhigh = 1.0\nlevels = 4\n");
  text.replace(text.find("high = 2.0\n"), 11, "high = 2.0\nlevels = 2\n");
  write_file(file, text);
  const auto r = run_command(binary() + " sweep " + file.string() + " --out " +
                             (scratch.path() / "out").string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto design = lines(read_file(scratch.path() / "out" / "design.csv"));
  CHECK(design.back() == "7,2,1");
}

TEST_CASE("reading a sweep back refuses repeated names and allocates only for rows it reads") {
  // A 2 KB manifest once made read_sweep allocate 2.4 GB: it sized its buffers from the
  // manifest's design_points x parameters before reading a row (found by fuzz_sweep_results).
  Scratch scratch("sweep");
  const fs::path dir = scratch.path() / "s";
  fs::create_directories(dir);
  auto manifest = [&](const std::string& parameters) {
    write_file(dir / "manifest.json",
               "{\"command\": \"sweep\", \"experiment\": \"e\", \"design\": \"lhs\", "
               "\"design_points\": 1000000, \"base_points\": 0, \"morris_levels\": 0, "
               "\"parameters\": [" +
                   parameters +
                   "], \"seed\": 1, \"runs\": 2, \"scenarios\": [\"s\"], \"metrics\": [\"m\"]}\n");
  };
  std::string same, distinct, header = "point";
  for (int i = 0; i < 300; ++i) {
    same += std::string(i ? ", " : "") + "\"a\"";
    distinct += std::string(i ? ", " : "") + "\"p" + std::to_string(i) + "\"";
    header += ",p" + std::to_string(i);
  }
  manifest(same);
  write_file(dir / "design.csv", "point,a\n");
  write_file(dir / "points.csv", "scenario,point,metric,runs,mean,sd,ci_low,ci_high\n");
  const std::string discover = binary() + " discover " + dir.string() +
                               " --metric m --above 0 --out " + (scratch.path() / "d").string();
  const auto repeated = run_command(discover);
  CHECK(repeated.exit_code == 2);
  CHECK(repeated.output.find("'a' is listed twice") != std::string::npos);
  manifest(distinct);
  write_file(dir / "design.csv", header + "\n");
#ifndef STANCESIM_SANITIZED  // the sanitizers reserve far more address space than this limit
  const auto short_design = run_command("ulimit -v 400000; " + discover);
#else
  const auto short_design = run_command(discover);
#endif
  CHECK(short_design.exit_code == 2);
  CHECK(short_design.output.find("0 points, but 1000000 in manifest.json") != std::string::npos);
}
