//! The clone groups section: the top groups side by side with what differs between the
//! copies marked, the rest as a table, ranked as every other format ranks them (lines a
//! merge would save), with the package, kind and size filters the script applies.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::diff;
use super::markup::{escape, file_link};
use crate::analysis::detectors::{CloneType, Group};
use crate::analysis::report::{headline, suggestion, Report};

/// Groups shown with their code; the others are listed. Past a few dozen, side-by-side code
/// costs the browser more than it tells a reader.
const DETAILED: usize = 30;
/// The list of the other groups starts open up to this many rows: a closed list is parsed but
/// not laid out, which is what keeps a page of thousands of groups quick to open.
const OPEN_LIST: usize = 200;
/// Copies shown side by side in one group; the others are listed under them.
const COPIES_SHOWN: usize = 3;
/// Lines of code shown per copy.
const MAX_LINES: u32 = 80;

/// Writes the `#clones` section.
pub fn write(out: &mut String, report: &Report) {
    let n = report.groups.len();
    let _ = write!(
        out,
        "<section id=\"clones\"><h2>Clone groups <span class=\"count\">{n}</span></h2>"
    );
    if n == 0 {
        out.push_str("<p class=\"empty\">No duplicated code found.</p></section>");
        return;
    }
    write_filters(out, report);
    let mut texts = FileTexts::new(report);
    for (index, group) in report.groups.iter().enumerate().take(DETAILED) {
        write_group(out, report, index, group, &mut texts);
    }
    if n > DETAILED {
        write_list(out, report);
    }
    out.push_str("</section>");
}

/// The filter form: hidden until the script shows it, since without the script it would do
/// nothing.
fn write_filters(out: &mut String, report: &Report) {
    let packages: BTreeSet<&str> = (report.groups.iter())
        .flat_map(|g| g.instances.iter())
        .filter_map(|i| report.files.get(i.file))
        .map(|f| f.package.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    let kinds: BTreeSet<&str> = report.groups.iter().map(|g| g.kind.as_str()).collect();
    out.push_str(
        "<form class=\"filters js-only\" id=\"clone-filters\">\
         <label>Package <select name=\"package\"><option value=\"\">all</option>",
    );
    for package in packages {
        let p = escape(package);
        let _ = write!(out, "<option value=\"{p}\">{p}</option>");
    }
    out.push_str(
        "</select></label> <label>Kind <select name=\"kind\"><option value=\"\">all</option>",
    );
    for kind in kinds {
        let _ = write!(out, "<option value=\"{kind}\">{kind}</option>");
    }
    out.push_str(
        "</select></label> <label>At least <input name=\"lines\" type=\"number\" min=\"0\" \
         value=\"0\"> lines</label> <output name=\"shown\"></output></form>",
    );
}

/// The attributes the filters read: packages (space-separated), kind, lines.
fn filter_data(report: &Report, group: &Group) -> String {
    let packages: BTreeSet<&str> = (group.instances.iter())
        .filter_map(|i| report.files.get(i.file))
        .map(|f| f.package.as_str())
        .collect();
    let packages: Vec<&str> = packages.into_iter().collect();
    format!(
        "data-packages=\"{}\" data-kind=\"{}\" data-lines=\"{}\"",
        escape(&packages.join(" ")),
        group.kind.as_str(),
        group.lines()
    )
}

fn type_name(group: &Group) -> &'static str {
    match group.clone_type {
        CloneType::Exact => "exact",
        CloneType::Renamed => "renamed",
        CloneType::NearMiss => "near",
        CloneType::Abstraction => "abstraction",
    }
}

fn write_group(
    out: &mut String,
    report: &Report,
    index: usize,
    group: &Group,
    texts: &mut FileTexts,
) {
    let id = Report::group_id(index);
    let _ = write!(
        out,
        "<article class=\"group\" id=\"{id}\" {}><h3><a href=\"#{id}\">{id}</a> {}</h3>\
         <p class=\"meta\"><span class=\"rule\">{}</span> <span class=\"type\">{}</span> \
         saves <b class=\"saves\">{}</b> lines · {:.0}% similar · {}</p>",
        filter_data(report, group),
        escape(&headline(group)),
        group.clone_type.rule_id(),
        type_name(group),
        group.saved_lines(),
        group.similarity * 100.0,
        escape(suggestion(group)),
    );
    let shown = &group.instances[..group.instances.len().min(COPIES_SHOWN)];
    let codes: Vec<(u32, String, u32)> = shown
        .iter()
        .map(|inst| texts.span(inst.file, inst.start_line, inst.end_line))
        .collect();
    let tokens: Vec<Vec<&str>> = codes.iter().map(|(_, c, _)| diff::tokens(c)).collect();
    let marks = diff::changed(&tokens);
    let _ = write!(out, "<div class=\"copies\" style=\"--n:{}\">", shown.len());
    for (k, inst) in shown.iter().enumerate() {
        out.push_str("<figure class=\"copy\"><figcaption>");
        file_link(out, report, inst.file, inst.start_line, inst.end_line);
        let _ = write!(out, " <code class=\"item\">{}</code>", escape(&inst.item));
        out.push_str("</figcaption><pre><code>");
        diff::write_code(out, &tokens[k], &marks[k], codes[k].0);
        let cut = codes[k].2;
        if cut > 0 {
            let _ = write!(out, "\n<span class=\"more\">… {cut} more lines</span>");
        }
        out.push_str("</code></pre></figure>");
    }
    out.push_str("</div>");
    if group.instances.len() > shown.len() {
        out.push_str("<p class=\"others\">Also: ");
        for inst in &group.instances[shown.len()..] {
            file_link(out, report, inst.file, inst.start_line, inst.end_line);
            out.push(' ');
        }
        out.push_str("</p>");
    }
    out.push_str("</article>");
}

/// The groups past [`DETAILED`], one row each (closed when long).
fn write_list(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<details class=\"more-clones\" id=\"more-clones\"{}><summary><b>{} more groups</b>, \
         one a line</summary><table class=\"sortable\" id=\"clone-list\">\
         <thead><tr><th>id</th><th>kind</th><th>type</th><th class=\"num\">lines</th>\
         <th class=\"num\">saves</th><th>copies</th></tr></thead><tbody>",
        if report.groups.len() - DETAILED <= OPEN_LIST {
            " open"
        } else {
            ""
        },
        report.groups.len() - DETAILED
    );
    for (index, group) in report.groups.iter().enumerate().skip(DETAILED) {
        let id = Report::group_id(index);
        let _ = write!(
            out,
            "<tr class=\"group-row\" id=\"{id}\" {}><td data-v=\"{index}\">{id}</td><td>{}</td>\
             <td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>",
            filter_data(report, group),
            group.kind.as_str(),
            type_name(group),
            group.lines(),
            group.saved_lines()
        );
        for inst in &group.instances {
            file_link(out, report, inst.file, inst.start_line, inst.end_line);
            out.push(' ');
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table></details>");
}

/// The analysed files' text, read once each; a file that cannot be read shows as empty.
struct FileTexts<'r> {
    report: &'r Report,
    lines: HashMap<usize, Vec<String>>,
}

impl<'r> FileTexts<'r> {
    fn new(report: &'r Report) -> FileTexts<'r> {
        FileTexts {
            report,
            lines: HashMap::new(),
        }
    }

    /// Lines `start..=end` of a file (at most [`MAX_LINES`]): the first line, the text, and
    /// how many lines were cut.
    fn span(&mut self, file: usize, start: u32, end: u32) -> (u32, String, u32) {
        let report = self.report;
        let lines = self.lines.entry(file).or_insert_with(|| {
            (report.files.get(file))
                .and_then(|f| f.read(&report.root).ok())
                .map(|text| text.lines().map(str::to_owned).collect())
                .unwrap_or_default()
        });
        let from = (start.max(1) - 1) as usize;
        let to = (end as usize).min(lines.len());
        let shown = (to.saturating_sub(from)).min(MAX_LINES as usize);
        let text = lines.get(from..from + shown).unwrap_or_default().join("\n");
        let cut = (to.saturating_sub(from) - shown) as u32;
        (start, text, cut)
    }
}
