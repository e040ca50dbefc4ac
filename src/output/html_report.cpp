#include "output/html_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "core/base64.hpp"
#include "core/hash.hpp"
#include "core/time.hpp"
#include "indicators/indicator_set.hpp"
#include "output/console.hpp"
#include "output/explain.hpp"
#include "output/mvt_files.hpp"
#include "output/timesketch.hpp"

namespace lumiere::output {
namespace {

constexpr std::string_view kStyle = R"css(
:root{--bg:#fbfbfa;--fg:#1d1d1f;--muted:#5f6368;--line:#dadce0;--crit:#8b0000;--high:#c5221f;--med:#b06000;
--low:#1a73e8;--info:#5f6368;--ok:#137333}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:var(--bg);color:var(--fg)}main{max-width:1100px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{margin-top:2rem;border-bottom:1px solid var(--line)}
.verdict{padding:1.2rem;border-radius:.6rem;color:#fff}.verdict p{margin:.4rem 0}
.verdict-spyware{background:var(--high)}.verdict-review{background:var(--med)}.verdict-inconclusive{background:#5b4a8a}.verdict-clean{background:var(--ok)}
.warning{border-left:4px solid var(--med);padding:.4em .8em}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}.count{padding:.4rem .8rem;border-radius:1rem;
background:#eee}.alert{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:.4rem;
padding:.6rem .9rem;margin:.7rem 0;background:#fff}.alert h4{margin:.1rem 0 .4rem;overflow-wrap:anywhere}
.level-CRITICAL{border-left-color:var(--crit)}.level-HIGH{border-left-color:var(--high)}
.level-MEDIUM{border-left-color:var(--med)}.level-LOW{border-left-color:var(--low)}
dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.2rem .8rem;margin:.3rem 0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}pre{white-space:pre-wrap;overflow-wrap:anywhere;
background:#f1f3f4;padding:.5rem;border-radius:.3rem;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid var(--line);
padding:.3rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.scroll{overflow-x:auto}tr.alert-row{background:#fde7e7}.muted{color:var(--muted)}
input[type=search]{width:100%;padding:.5rem;font-size:1rem;margin:.4rem 0}
@media (max-width:600px){dl{grid-template-columns:1fr}body{font-size:15px}}
)css";

constexpr std::string_view kScript = R"js(
(function(){
  var box=document.getElementById('timeline-filter');
  var only=document.getElementById('timeline-alerts-only');
  var rows=document.querySelectorAll('#timeline-table tbody tr');
  function apply(){
    var q=box.value.toLowerCase();
    for(var i=0;i<rows.length;i++){
      var r=rows[i];
      var show=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&(!only.checked||r.classList.contains('alert-row'));
      r.hidden=!show;
    }
  }
  box.addEventListener('input',apply);only.addEventListener('change',apply);
})();
)js";

std::string csp_hash(std::string_view content) {
  const std::string hex = hash::sha256_hex(content);
  std::vector<std::uint8_t> raw;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return "'sha256-" + base64_encode(raw) + "'";
}

// Escaped, with invalid UTF-8 shown as \xNN.
std::string esc(std::string_view text) {
  return html_escape(utf8_backslashreplace(text));
}

const char* verdict_class(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSpywareSigns: return "verdict-spyware";
    case Verdict::kInconclusive: return "verdict-inconclusive";
    case Verdict::kNeedsReview: return "verdict-review";
    case Verdict::kNoSign: break;
  }
  return "verdict-clean";
}

constexpr std::array kLevelsBySeverity{AlertLevel::kCritical, AlertLevel::kHigh, AlertLevel::kMedium, AlertLevel::kLow,
                                       AlertLevel::kInformational};

void write_alert(std::string& out, const Alert& alert) {
  const Explanation why = explain(alert);
  out += fmt::format(R"(<article class="alert level-{0}" data-level="{0}"><h4>{1}</h4><dl>)", to_string(alert.level),
                     esc(alert.message));
  out += fmt::format("<dt>Level</dt><dd>{}</dd>", to_string(alert.level));
  out += fmt::format("<dt>Evidence</dt><dd>{}: {}</dd>", to_string(why.evidence_class), strength(why.evidence_class));
  out += fmt::format("<dt>What it means</dt><dd>{}</dd>", why.meaning);
  out += fmt::format("<dt>Innocent explanations</dt><dd>{}</dd>", why.innocent);
  if (alert.matched_indicator) {
    const auto& ioc = *alert.matched_indicator;
    out += fmt::format("<dt>Indicator</dt><dd>{} ({}) from &ldquo;{}&rdquo; ({})</dd>", esc(ioc.value), esc(ioc.type),
                       esc(ioc.name), esc(ioc.stix2_file_name));
  } else {
    out += "<dt>Indicator</dt><dd>none: a heuristic, not a known indicator</dd>";
  }
  if (!alert.event_time.empty()) out += fmt::format("<dt>When</dt><dd>{} UTC</dd>", esc(alert.event_time));
  out += fmt::format("<dt>Module</dt><dd>{}</dd>", esc(alert.module));
  if (!alert.provenance.empty()) out += fmt::format("<dt>Found in</dt><dd>{}</dd>", esc(alert.provenance));
  out += "</dl>";
  if (!alert.event.is_null()) {
    out += "<details><summary>The record</summary><pre>";
    out += html_escape(alert.event.dump(2, ' ', true, Json::error_handler_t::replace));
    out += "</pre></details>";
  }
  out += "</article>\n";
}

void write_alerts(std::string& out, const std::vector<ModuleRun>& runs) {
  out += R"(<section id="alerts"><h2>Alerts</h2>)";
  std::size_t total = 0;
  for (const auto level : kLevelsBySeverity) {
    std::vector<const Alert*> alerts;
    for (const auto& run : runs) {
      for (const auto& alert : run.output.alerts) {
        if (alert.level == level) alerts.push_back(&alert);
      }
    }
    if (alerts.empty()) continue;
    total += alerts.size();
    out += fmt::format(R"(<h3 id="level-{0}">{0} ({1})</h3>)", to_string(level), alerts.size());
    for (const auto* alert : alerts) write_alert(out, *alert);
  }
  if (total == 0) out += "<p>No alert.</p>";
  out += "</section>\n";
}

void write_coverage(std::string& out, const std::vector<ModuleRun>& runs) {
  out += R"(<section id="coverage"><h2>What was checked</h2><div class="scroll"><table><thead><tr><th>Module</th>)"
         "<th>Status</th><th>Records</th><th>Alerts</th><th>Notes</th></tr></thead><tbody>";
  for (const auto& run : runs) {
    // The warnings name the file and the problem; the status detail only when there is none.
    std::string notes = run.output.warnings.empty() ? esc(run.output.status_detail) : std::string();
    for (const auto& warning : run.output.warnings) {
      if (!notes.empty()) notes += "<br>";
      notes += esc((warning.path.empty() ? "" : warning.path + ": ") + warning.message);
    }
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(run.descriptor->slug),
                       to_string(run.output.status), run.output.record_count(), run.output.alerts.size(), notes);
  }
  out += "</tbody></table></div></section>\n";
}

void write_iocs(std::string& out, const HtmlReportInfo& info) {
  out += fmt::format(R"(<section id="indicators"><h2>Indicators used</h2><p>{} indicators loaded.</p>)",
                     info.indicator_count);
  for (const auto& note : info.indicator_notes) {
    out += fmt::format(R"(<p class="warning"><strong>Warning:</strong> {}.</p>)", esc(note));
  }
  if (info.ioc_sets.empty()) {
    out += "<p>No indicator set was loaded: only the checks that need none ran.</p>";
  } else {
    out +=
        "<div class=\"scroll\"><table><thead><tr><th>Collection</th><th>File</th><th>Indicators</th>"
        "<th>File date</th></tr></thead><tbody>";
    for (const auto& set : info.ioc_sets) {
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(set.name), esc(set.file_name),
                         set.indicators, esc(set.file_date));
    }
    out += "</tbody></table></div>";
  }
  out += "</section>\n";
}

void write_device(std::string& out, const HtmlReportInfo& info) {
  out += R"(<section id="device"><h2>Device</h2>)";
  if (!info.device.is_object()) {
    out += "<p>No device information.</p></section>\n";
    return;
  }
  out += "<dl>";
  for (const auto& [key, value] : info.device.items()) {
    if (value.is_null() || value.is_array() || value.is_object()) continue;
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    out += fmt::format("<dt>{}</dt><dd>{}</dd>", esc(key), esc(text));
  }
  out += "</dl></section>\n";
}

HtmlTimeline timeline_of(const std::vector<ModuleRun>& runs) {
  std::vector<HtmlTimelineRow> rows;
  for (const auto& run : runs) {
    std::set<std::size_t> alerted;
    for (const auto& alert : run.output.alerts) {
      if (alert.record) alerted.insert(*alert.record);
    }
    for (const auto& entry : run.output.timeline) {
      rows.push_back(HtmlTimelineRow{entry, entry.record && alerted.count(*entry.record) != 0});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const HtmlTimelineRow& a, const HtmlTimelineRow& b) {
    return std::tie(a.entry.timestamp, a.entry.module, a.entry.event, a.entry.data) <
           std::tie(b.entry.timestamp, b.entry.module, b.entry.event, b.entry.data);
  });
  HtmlTimeline timeline;
  for (const auto& row : rows) add_html_timeline_row(timeline, row.entry, row.alert);
  return timeline;
}

void write_timeline(std::string& out, const HtmlTimeline& timeline) {
  const auto& rows = timeline.rows;
  const std::size_t total = timeline.total;
  out += R"(<section id="timeline"><h2>Timeline</h2>)";
  if (rows.size() < total) {
    out += fmt::format(R"(<p class="muted">{} of {} rows shown (every row linked to an alert is kept); the full )"
                       "timeline is in timeline.csv.</p>",
                       rows.size(), total);
  }
  out +=
      R"(<input type="search" id="timeline-filter" placeholder="Filter the timeline" aria-label="Filter the timeline">)"
      R"(<label><input type="checkbox" id="timeline-alerts-only"> only rows linked to an alert</label>)"
      R"(<div class="scroll"><table id="timeline-table"><thead><tr><th>UTC time</th><th>Module</th><th>Event</th>)"
      "<th>Description</th></tr></thead><tbody>\n";
  for (const auto& row : rows) {
    out += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       row.alert ? R"( class="alert-row")" : "", esc(row.entry.timestamp), esc(row.entry.module),
                       esc(row.entry.event), esc(row.entry.data));
  }
  out += "</tbody></table></div></section>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_report(const AnalysisOutcome& outcome, const HtmlReportInfo& info) {
  const std::vector<ModuleRun>& runs = outcome.runs;
  const AlertCounts& counts = outcome.counts;
  const Verdict verdict = outcome.verdict;
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += fmt::format(
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}; "
      "img-src 'none'; connect-src 'none'; font-src 'none'; form-action 'none'; base-uri 'none'\">\n",
      csp_hash(kStyle), csp_hash(kScript));
  out +=
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" "
      "content=\"no-referrer\">\n";
  out += fmt::format("<title>lumiere report: {}{}</title>\n<style>{}</style></head><body><main>\n",
                     info.example ? "EXAMPLE DEVICE, " : "", esc(info.evidence_name), kStyle);
  if (info.example) {
    out +=
        "<p class=\"warning\" id=\"example-banner\"><strong>Example report.</strong> This device is an example "
        "generated by <code>lumiere demo</code>, with planted traces of Pegasus: it is not a real phone, and "
        "nothing here is about yours. To check a phone, see the README.</p>\n";
  }
  out += fmt::format(R"(<header id="verdict" class="verdict {}"><p>{} &middot; {}</p><h1 id="verdict-text">{}</h1>)"
                     "<p>{}</p></header>\n",
                     verdict_class(verdict), esc(info.evidence_kind), esc(info.evidence_name),
                     esc(verdict_line(outcome)), esc(verdict_advice(verdict)));
  if (info.indicator_count == 0) {
    out +=
        "<p><strong>No indicators of compromise were loaded</strong>, so only the checks that need none ran. Load "
        "indicators with <code>-i</code> or <code>lumiere iocs update</code>.</p>\n";
  }
  out += R"(<div class="counts" id="counts">)";
  for (const auto level : kLevelsBySeverity) {
    out += fmt::format(R"(<span class="count" data-level="{0}">{1} {0}</span>)", to_string(level), counts.at(level));
  }
  out += "</div>\n";
  write_alerts(out, runs);
  write_coverage(out, runs);
  write_iocs(out, info);
  write_device(out, info);
  if (info.timeline != nullptr) {
    write_timeline(out, *info.timeline);
  } else {
    write_timeline(out, timeline_of(runs));
  }
  out += fmt::format(R"(<footer class="muted"><p>Generated by lumiere {} on {} UTC. Nothing in this page was sent )"
                     "anywhere; it loads no external resource.</p></footer>\n",
                     esc(info.version), esc(info.generated_at));
  out += fmt::format("</main><script>{}</script></body></html>\n", kScript);
  return out;
}

std::vector<IocSetInfo> ioc_sets_of(const ioc::IndicatorSet& indicators) {
  std::vector<IocSetInfo> sets;
  for (const auto& collection : indicators.collections()) {
    IocSetInfo set{collection.name, collection.stix2_file_name, collection.count, ""};
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(collection.stix2_file_path, ec);
    if (!ec) {
      const auto system = std::chrono::file_clock::to_sys(written);
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(system.time_since_epoch()).count();
      set.file_date = timeconv::iso_from_unix_micros(seconds * 1000000).substr(0, 10);
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

Result<void> write_reader_reports(const std::filesystem::path& directory, const AnalysisOutcome& outcome,
                                  const HtmlReportInfo& info, bool timesketch) {
  const std::vector<ModuleRun>& runs = outcome.runs;
  if (auto ok = write_text_file(directory / "report.html", html_report(outcome, info)); !ok) return ok;
  if (!timesketch) return {};
  return write_text_file_streamed(directory / "timeline.jsonl",
                                  [&runs](const TextSink& sink) { timeline_jsonl(runs, sink); });
}

}  // namespace lumiere::output
