/**
 * The audit report as one self-contained HTML file: inline CSS, inline SVG charts, no script and
 * no external resource, so it opens offline and can be mailed as an attachment. A
 * Content-Security-Policy meta tag blocks any load the markup might still cause.
 *
 * Elements carry `data-*` attributes with their raw numbers (severity counts, license units) so
 * tests and other tools can read the report without parsing text.
 */
import { AUDIT_RULES, describeUncheckedRules, SEVERITIES, type AuditResult, type LicenseUsage, type Severity } from "./audit.js";
import { sortKinds } from "./snapshot-source.js";

/** The snapshot fields the report shows. */
export interface ReportSnapshot {
  id: number;
  orgId: string;
  orgName: string;
  startedAt: string;
  finishedAt?: string;
  status: string;
  counts: Record<string, number>;
  toolVersion?: string;
}

/** Input of `renderAuditHtml`. */
export interface AuditReportInput {
  audit: AuditResult;
  snapshot: ReportSnapshot;
  /** Time shown as the report's creation time. Default now. */
  generatedAt?: Date;
  /**
   * Findings listed in the table, the most severe first. The rest still count in the summary,
   * charts and rule table, and a notice at the top states how many were left out. Default 5000,
   * which keeps the file at a few megabytes.
   */
  maxTableRows?: number;
  /**
   * The database file the user named with `--db`, put into the commands the report suggests.
   * Default none, for the default database.
   */
  dbPath?: string;
}

const SEVERITY_LABELS: Record<Severity, string> = { high: "High", medium: "Medium", low: "Low" };
const SEVERITY_COLORS: Record<Severity, string> = { high: "#b42318", medium: "#b54708", low: "#1d5bbf" };
const DEFAULT_MAX_TABLE_ROWS = 5000;

/** Renders the audit of one snapshot as a complete HTML document. */
export function renderAuditHtml(input: AuditReportInput): string {
  const { audit, snapshot } = input;
  const orgLabel = snapshot.orgName === "" ? snapshot.orgId : snapshot.orgName;
  const title = `wxadmin audit: ${orgLabel}, snapshot ${snapshot.id}`;
  const generatedAt = (input.generatedAt ?? new Date()).toISOString();
  const maxTableRows = Math.max(0, input.maxTableRows ?? DEFAULT_MAX_TABLE_ROWS);
  const listAll = listAllCommand(snapshot.id, input.dbPath);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="wxadmin${snapshot.toolVersion === undefined ? "" : ` ${escapeHtml(snapshot.toolVersion)}`}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Audit of ${escapeHtml(orgLabel)}</h1>
${renderUncheckedHeadline(audit)}
${renderSnapshotFacts(snapshot, generatedAt)}
</header>
<main>
${renderStatusNotice(snapshot)}
${renderTableCutNotice(audit, listAll, maxTableRows)}
${renderSeveritySummary(audit)}
<div class="charts">
<section id="severity-chart" aria-labelledby="severity-chart-title">
<h2 id="severity-chart-title">Findings by severity</h2>
${renderSeverityChart(audit.counts)}
</section>
<section id="license-chart" aria-labelledby="license-chart-title">
<h2 id="license-chart-title">License usage</h2>
${renderLicenseChart(audit.licenses)}
</section>
</div>
${renderRuleSummary(audit)}
${renderFindingsTable(audit, listAll, maxTableRows)}
</main>
<footer>Generated ${escapeHtml(formatTime(generatedAt))} by wxadmin from snapshot ${snapshot.id}. Every finding names the object and a one-line fix; <code>${escapeHtml(listAll)}</code> lists them all.</footer>
</body>
</html>
`;
}

function renderSnapshotFacts(snapshot: ReportSnapshot, generatedAt: string): string {
  const counts = sortKinds(Object.keys(snapshot.counts))
    .map((kind) => `${escapeHtml(kind)} ${(snapshot.counts[kind] ?? 0).toLocaleString("en-US")}`)
    .join(", ");
  const facts: Array<[string, string]> = [
    ["Org id", snapshot.orgId],
    ["Snapshot", `${snapshot.id} (${snapshot.status})`],
    ["Backup started", formatTime(snapshot.startedAt)],
    ["Backup finished", snapshot.finishedAt === undefined ? "not finished" : formatTime(snapshot.finishedAt)],
    ["Report generated", formatTime(generatedAt)],
  ];
  const rows = facts.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join("");
  return `<dl class="facts">${rows}<dt>Objects</dt><dd>${counts === "" ? "none" : counts}</dd></dl>`;
}

/**
 * Renders the headline that some rules were not checked, such as "9 of 10 rules not checked",
 * so a reader does not take zero findings for a clean org. Empty when every rule was checked.
 */
function renderUncheckedHeadline(audit: AuditResult): string {
  const summary = describeUncheckedRules(audit);
  if (summary === undefined) {
    return "";
  }
  const headline = `${audit.skippedRules.length} of ${AUDIT_RULES.length} rules not checked`;
  const detail = summary.slice(headline.length).trim();
  return `<p class="unchecked" id="rules-not-checked" role="alert" data-unchecked="${audit.skippedRules.length}" data-rules="${AUDIT_RULES.length}"><strong>${escapeHtml(headline)}</strong> ${escapeHtml(detail)}. The counts below cover only the rules that ran, so a rule with 0 findings may still have problems to fix; the rules table says what each unchecked rule lacks.</p>`;
}

function renderStatusNotice(snapshot: ReportSnapshot): string {
  if (snapshot.status === "complete") {
    return "";
  }
  return `<p class="notice" role="alert">This snapshot is ${escapeHtml(snapshot.status)}: some kinds were not fully backed up, so findings may be missing. Run a new backup before acting on the absence of a finding.</p>`;
}

/**
 * Renders the notice that the findings table leaves findings out: how many it shows of how
 * many, which severities the rest have, and the command that lists them all. Empty when the
 * table shows every finding.
 */
function renderTableCutNotice(audit: AuditResult, listAll: string, maxRows: number): string {
  const total = audit.findings.length;
  if (total <= maxRows) {
    return "";
  }
  const omitted = audit.findings.slice(maxRows);
  const omittedBySeverity = SEVERITIES.map((severity) => [severity, omitted.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${formatNumber(count)} ${severity}`)
    .join(", ");
  return `<p class="notice" id="findings-cut" role="note" data-shown="${maxRows}" data-total="${total}">The findings table lists ${formatNumber(maxRows)} of ${formatNumber(total)} findings, the most severe first. The ${formatNumber(omitted.length)} not listed (${omittedBySeverity}) still count in the totals, the charts and the rule table. To list every finding, run <code>${escapeHtml(listAll)}</code>.</p>`;
}

/** Returns the command that lists every finding of the snapshot as JSON, with `--db` when the report was made from a named database. */
function listAllCommand(snapshotId: number, dbPath: string | undefined): string {
  return dbPath === undefined ? `wxadmin audit ${snapshotId} --json` : `wxadmin audit ${snapshotId} --db ${quoteShellWord(dbPath)} --json`;
}

/** Quotes `word` for a POSIX shell when it contains anything but letters, digits and `@%+=:,./_-`. */
function quoteShellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function formatNumber(value: number): string {
  return value.toLocaleString("en-US");
}

function renderSeveritySummary(audit: AuditResult): string {
  const total = audit.findings.length;
  const cards = SEVERITIES.map(
    (severity) =>
      `<div class="card ${severity}" data-severity="${severity}" data-count="${audit.counts[severity]}"><span class="count">${audit.counts[severity].toLocaleString("en-US")}</span><span class="label">${SEVERITY_LABELS[severity]}</span></div>`,
  ).join("\n");
  return `<section id="summary" aria-label="Findings per severity">
<div class="cards">
${cards}
<div class="card total" data-severity="total" data-count="${total}"><span class="count">${total.toLocaleString("en-US")}</span><span class="label">Total findings</span></div>
</div>
</section>`;
}

/** Renders a vertical bar chart with one bar per severity, scaled to the largest count. */
export function renderSeverityChart(counts: Record<Severity, number>): string {
  const width = 360;
  const height = 220;
  const top = 24;
  const bottom = 36;
  const plotHeight = height - top - bottom;
  const barWidth = 72;
  const gap = (width - SEVERITIES.length * barWidth) / (SEVERITIES.length + 1);
  const largest = Math.max(1, ...SEVERITIES.map((severity) => counts[severity]));

  const bars = SEVERITIES.map((severity, index) => {
    const count = counts[severity];
    const barHeight = count === 0 ? 0 : Math.max(2, Math.round((count / largest) * plotHeight));
    const x = Math.round(gap + index * (barWidth + gap));
    const y = top + plotHeight - barHeight;
    return `<g class="bar" data-severity="${severity}" data-count="${count}">
<title>${SEVERITY_LABELS[severity]}: ${count} finding${count === 1 ? "" : "s"}</title>
<rect x="${x}" y="${y}" width="${barWidth}" height="${barHeight}" rx="3" fill="${SEVERITY_COLORS[severity]}"></rect>
<text class="value" x="${x + barWidth / 2}" y="${y - 6}" text-anchor="middle">${count}</text>
<text class="axis-label" x="${x + barWidth / 2}" y="${height - 14}" text-anchor="middle">${SEVERITY_LABELS[severity]}</text>
</g>`;
  }).join("\n");

  const summary = SEVERITIES.map((severity) => `${SEVERITY_LABELS[severity]} ${counts[severity]}`).join(", ");
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Findings by severity: ${summary}" xmlns="http://www.w3.org/2000/svg">
<line x1="0" y1="${top + plotHeight}" x2="${width}" y2="${top + plotHeight}" class="baseline"></line>
${bars}
</svg>`;
}

/**
 * Renders a horizontal bar per license, the fullest first: the track is the bought total, the fill the
 * consumed units. A license over its total gets a full red bar; one without a known total a grey bar.
 */
export function renderLicenseChart(usage: LicenseUsage[]): string {
  const licenses = [...usage].sort(
    (a, b) => describeLicenseUsage(b).fraction - describeLicenseUsage(a).fraction || a.name.localeCompare(b.name),
  );
  if (licenses.length === 0) {
    return `<p class="empty">The snapshot holds no licenses.</p>`;
  }

  const width = 560;
  const rowHeight = 46;
  const labelHeight = 16;
  const barHeight = 14;
  const height = licenses.length * rowHeight + 4;
  const rows = licenses.map((license, index) => {
    const y = index * rowHeight + 4;
    const barY = y + labelHeight + 4;
    const { fraction, state, text } = describeLicenseUsage(license);
    const fill = Math.round(Math.min(1, fraction) * width);
    const total = license.totalUnits === undefined ? "" : ` data-total="${license.totalUnits}"`;
    return `<g class="license-bar ${state}" data-license="${escapeHtml(license.name)}" data-consumed="${license.consumedUnits}"${total}>
<title>${escapeHtml(`${license.name}: ${text}`)}</title>
<text class="license-name" x="0" y="${y + labelHeight - 3}">${escapeHtml(truncate(license.name, 60))}</text>
<text class="license-value" x="${width}" y="${y + labelHeight - 3}" text-anchor="end">${escapeHtml(text)}</text>
<rect class="track" x="0" y="${barY}" width="${width}" height="${barHeight}" rx="3"></rect>
<rect class="fill" x="0" y="${barY}" width="${fill}" height="${barHeight}" rx="3"></rect>
</g>`;
  });

  return `<svg class="chart licenses" viewBox="0 0 ${width} ${height}" role="img" aria-label="License usage of ${licenses.length} licenses" xmlns="http://www.w3.org/2000/svg">
${rows.join("\n")}
</svg>`;
}

function describeLicenseUsage(license: LicenseUsage): { fraction: number; state: string; text: string } {
  const consumed = license.consumedUnits;
  const total = license.totalUnits;
  if (total === undefined || total < 0) {
    return { fraction: consumed > 0 ? 1 : 0, state: "unknown", text: `${consumed.toLocaleString("en-US")} used, total unknown` };
  }
  if (total === 0) {
    const state = consumed > 0 ? "over" : "normal";
    return { fraction: consumed > 0 ? 1 : 0, state, text: `${consumed.toLocaleString("en-US")} of 0 used` };
  }

  const fraction = consumed / total;
  const percent = Math.round(fraction * 100);
  let state = "normal";
  if (consumed > total) {
    state = "over";
  } else if (fraction >= 0.9) {
    state = "near";
  }
  return { fraction, state, text: `${consumed.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} used (${percent}%)` };
}

function renderRuleSummary(audit: AuditResult): string {
  const perRule = new Map<string, number>();
  for (const finding of audit.findings) {
    perRule.set(finding.rule, (perRule.get(finding.rule) ?? 0) + 1);
  }
  const skipped = new Map(audit.skippedRules.map((rule) => [rule.rule, rule.reason]));

  const rows = AUDIT_RULES.map((rule) => {
    const reason = skipped.get(rule.id);
    const count = perRule.get(rule.id) ?? 0;
    const checked = reason === undefined ? "Checked" : `<strong>Not fully checked.</strong> ${escapeHtml(reason)}`;
    return `<tr data-rule="${rule.id}" data-count="${count}"${reason === undefined ? "" : ' class="skipped"'}><td><span class="badge ${rule.severity}">${SEVERITY_LABELS[rule.severity]}</span></td><td>${escapeHtml(rule.title)}</td><td class="rule-id">${rule.id}</td><td class="number">${count}</td><td class="checked">${checked}</td></tr>`;
  }).join("\n");

  return `<section id="rules" aria-labelledby="rules-title">
<h2 id="rules-title">Rules</h2>
<table class="rules">
<thead><tr><th>Severity</th><th>Check</th><th>Rule</th><th>Findings</th><th>Checked</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

function renderFindingsTable(audit: AuditResult, listAll: string, maxRows: number): string {
  if (audit.findings.length === 0) {
    const text =
      audit.skippedRules.length === 0
        ? "No findings: every rule that ran found nothing to fix."
        : `No findings from the rules that ran, but ${audit.skippedRules.length} of ${AUDIT_RULES.length} rules were not checked, so problems may be missing.`;
    return `<section id="findings" aria-labelledby="findings-title"><h2 id="findings-title">Findings</h2><p class="empty">${escapeHtml(text)}</p></section>`;
  }

  const shown = audit.findings.slice(0, maxRows);
  const rows = shown
    .map(
      (finding) =>
        `<tr data-severity="${finding.severity}" data-rule="${finding.rule}"><td><span class="badge ${finding.severity}">${SEVERITY_LABELS[finding.severity]}</span></td><td>${escapeHtml(finding.objectName ?? finding.objectId)}<div class="object-id">${escapeHtml(finding.kind)} ${escapeHtml(finding.objectId)}</div></td><td>${escapeHtml(finding.message)}</td><td>${escapeHtml(finding.fix)}</td></tr>`,
    )
    .join("\n");
  const omitted = audit.findings.length - shown.length;
  const caption =
    omitted > 0
      ? `<caption>The first ${formatNumber(shown.length)} of ${formatNumber(audit.findings.length)} findings, the most severe first; <code>${escapeHtml(listAll)}</code> lists all of them.</caption>`
      : "";

  return `<section id="findings" aria-labelledby="findings-title">
<h2 id="findings-title">Findings</h2>
<table class="findings">
${caption}
<thead><tr><th>Severity</th><th>Object</th><th>Problem</th><th>Fix</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function formatTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

const STYLE = `
:root { color-scheme: light; --text: #1f2933; --muted: #52606d; --line: #d9dee3; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--text); background: #fff; }
header { padding: 24px 32px 12px; border-bottom: 1px solid var(--line); background: var(--panel); }
h1 { margin: 0 0 10px; font-size: 24px; }
h2 { margin: 0 0 12px; font-size: 18px; }
main { padding: 20px 32px 32px; max-width: 1280px; overflow-wrap: break-word; }
footer { padding: 16px 32px 28px; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.unchecked { margin: 0 0 12px; padding: 10px 14px; border-left: 6px solid #b42318; background: #fef3f2; font-size: 16px; }
.unchecked strong { color: #b42318; font-size: 20px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; font-size: 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.notice { padding: 10px 14px; border-left: 4px solid #b54708; background: #fff7ed; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 24px; }
.card { min-width: 150px; padding: 12px 16px; border: 1px solid var(--line); border-top-width: 5px; border-radius: 6px; background: #fff; }
.card .count { display: block; font-size: 30px; font-weight: 650; }
.card .label { color: var(--muted); }
.card.high { border-top-color: #b42318; } .card.medium { border-top-color: #b54708; } .card.low { border-top-color: #1d5bbf; } .card.total { border-top-color: #52606d; }
.charts { display: grid; grid-template-columns: minmax(280px, 2fr) minmax(320px, 3fr); gap: 24px; margin-bottom: 28px; }
.charts section { padding: 16px; border: 1px solid var(--line); border-radius: 6px; }
svg.chart { width: 100%; height: auto; display: block; }
svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--text); }
svg .value { font-weight: 650; }
svg .axis-label, svg .license-value { fill: var(--muted); }
svg .baseline { stroke: var(--line); stroke-width: 1; }
svg .track { fill: #e7ebef; }
svg .license-bar .fill { fill: #2f6f9f; }
svg .license-bar.near .fill { fill: #b54708; }
svg .license-bar.over .fill { fill: #b42318; }
svg .license-bar.over .license-value { fill: #b42318; font-weight: 650; }
svg .license-bar.unknown .fill { fill: #9aa5b1; }
table { width: 100%; border-collapse: collapse; margin-bottom: 28px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; }
td.number { text-align: right; white-space: nowrap; }
tr.skipped td.number { color: var(--muted); }
td.checked { min-width: 12em; overflow-wrap: anywhere; }
tr.skipped td.checked strong { color: #b42318; }
.rule-id, .object-id { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted); }
.rule-id { white-space: nowrap; }
.object-id { overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
.badge.high { background: #b42318; } .badge.medium { background: #b54708; } .badge.low { background: #1d5bbf; }
.empty { color: var(--muted); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 1px 4px; border-radius: 3px; background: #eef1f4; }
caption { caption-side: top; text-align: left; padding: 0 0 8px; color: var(--muted); }
@media (max-width: 800px) { .charts { grid-template-columns: 1fr; } header, main, footer { padding-left: 16px; padding-right: 16px; } }
@media print { .charts { grid-template-columns: 1fr 1fr; } tr { break-inside: avoid; } }
`;
