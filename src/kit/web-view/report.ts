/**
 * A report: the web view's page with the view embedded (every instance's
 * detail included, up to a limit), the controls hidden and nothing fetched,
 * so that one HTML file shows what a mock did (a failing test attaches it).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { webViewPage } from "./page.js";
import type { WebView, WebViewDetail, WebViewSource } from "./view.js";

/**
 * Options of `ec2.report()`.
 * @public
 */
export interface ReportOptions {
  /** Also write the report to this file (its folder is created when missing), synchronously. */
  file?: string;
  /** The page's title; default the view's (`ec2-mock: EC2 (us-east-1, account …)`). */
  title?: string;
  /**
   * How many instances' details (guest, console) to embed, the latest
   * launched kept (default 500): a report of a 10,000-instance fleet stays
   * a few megabytes. Every instance is in the table and the timeline.
   */
  maxDetails?: number;
}

/** The view of a report: the view now, with the details of the `maxDetails` latest instances embedded. */
export function reportView(source: WebViewSource, options: ReportOptions = {}): WebView {
  const maxDetails = options.maxDetails ?? 500;
  if (!Number.isSafeInteger(maxDetails) || maxDetails < 0) {
    throw new TypeError(`report: maxDetails must be a non-negative integer; got ${String(options.maxDetails)}`);
  }
  if (options.title !== undefined && typeof options.title !== "string") throw new TypeError("report: title must be a string");
  if (options.file !== undefined && (typeof options.file !== "string" || options.file === "")) {
    throw new TypeError("report: file must be a non-empty path");
  }
  const view = source.view();
  const details: Record<string, WebViewDetail> = {};
  for (const instance of maxDetails === 0 ? [] : view.instances.slice(-maxDetails)) {
    const detail = source.detail(instance.id);
    if (detail !== undefined) details[instance.id] = detail;
  }
  return { ...view, ...(options.title !== undefined && { title: options.title }), details };
}

/** The report's HTML, written to `options.file` too when given. Bad options throw a TypeError. */
export function renderReport(source: WebViewSource, options: ReportOptions = {}): string {
  const html = webViewPage(reportView(source, options));
  if (options.file !== undefined) {
    mkdirSync(dirname(options.file), { recursive: true });
    writeFileSync(options.file, html);
  }
  return html;
}
