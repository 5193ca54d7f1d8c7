/**
 * The data of the web view (`GET /_mock/ui/data`, `ec2.report()`): a
 * compact, JSON-ready picture of a front's fleet and its history, in the
 * front's own words (EC2's or CVM's state names and causes). The page
 * (./page.ts) draws any front's view; nothing here names a cloud.
 */

/**
 * One change of an instance's state: `[at, from, to, cause]`, `at` in mock
 * epoch milliseconds (a tuple: 10,000 instances' timelines stay small).
 * @public
 */
export type WebViewChange = [at: number, from: string, to: string, cause: string];

/**
 * One instance as the web view shows it.
 * @public
 */
export interface WebViewInstance {
  /** The instance id. */
  id: string;
  /** Its `Name` tag (CVM: its InstanceName); "" for none. */
  name: string;
  /** Its Region. */
  region: string;
  /** Its instance type. */
  type: string;
  /** Its zone. */
  zone: string;
  /** Its state, in the front's names (`running`, `RUNNING`). */
  state: string;
  /** The state's code as the API shows it (EC2's `Code`); absent where the API has none (CVM). */
  code?: number;
  /** Its private IPv4 address; "" for none. */
  privateIp: string;
  /** Its public IPv4 address; "" for none. */
  publicIp: string;
  /** Its launch time (EC2's `LaunchTime`, CVM's `CreatedTime`), mock epoch milliseconds. */
  launchTime: number;
  /** Termination protection. */
  terminationProtected: boolean;
  /** Stop protection (EC2's `DisableApiStop`); absent where the cloud has none. */
  stopProtected?: boolean;
  /** Whether it may hibernate (EC2's `HibernationOptions.Configured`); absent where the cloud has none. */
  hibernation?: boolean;
  /** The front's own last word on it (CVM's `LatestOperation` and its state), shown in the table; absent when none. */
  note?: string;
  /** Every change of its state, oldest first, with its cause. */
  timeline: WebViewChange[];
}

/**
 * What the web view shows of one instance once selected: its guest, the stop under way, its console.
 * @public
 */
export interface WebViewDetail {
  /** The instance id. */
  id: string;
  /** Facts as label and value (guest OS, memory, file system, host, the stop under way, billing). */
  facts: [label: string, value: string][];
  /** The guest's console, oldest line first (the latest, as EC2's `GetConsoleOutput` with `Latest`). */
  console: string[];
}

/**
 * The whole web view of one front at one moment.
 * @public
 */
export interface WebView {
  /** The format's version: 1. */
  version: 1;
  /** The page's title (`ec2-mock: EC2`). */
  title: string;
  /** Mock time now, epoch milliseconds. */
  now: number;
  /** The default Region. */
  region: string;
  /** The account. */
  accountId: string;
  /** Every state the front has, in lifecycle order (the legend and the colours follow it). */
  states: string[];
  /** Every instance the front still shows, in every Region, in launch order. */
  instances: WebViewInstance[];
  /** Billing so far, as label and value (`instance seconds billed`, ...). */
  billing: [label: string, value: string][];
  /** The clock's speed (mock milliseconds per real one), when the server says: 1 unless changed. */
  speed?: number;
  /** Details of instances, by id: embedded in a report (a served page asks `ui/instance?id=` instead). */
  details?: Record<string, WebViewDetail>;
}

/**
 * How a front serves its web view: what `GET PREFIXui/data` and `GET PREFIXui/instance?id=` answer.
 * @public
 */
export interface WebViewSource {
  /** The view now. */
  view(): WebView;
  /** One instance's detail; undefined for an instance the front does not show. */
  detail(instanceId: string): WebViewDetail | undefined;
}
