/**
 * Figure (i6)'s floor, one definition for bench/run.mjs and bench/i6-ab.mjs:
 * an SDK requestHandler that answers StopInstances and StartInstances with
 * constant XML, the documents EC2 answers for one instance (as the mock's
 * cycle does), so the SDK's deserializer does the same work on both sides
 * and the ratio measures the mock, not the size of the answer.
 */
const XML_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
const stateChange = (from, to) =>
  `<instancesSet><item><instanceId>i-0123456789abcdef0</instanceId><currentState><code>${to[0]}</code><name>${to[1]}</name></currentState>` +
  `<previousState><code>${from[0]}</code><name>${from[1]}</name></previousState></item></instancesSet>`;
const cannedXml = {
  StopInstances: `<?xml version="1.0" encoding="UTF-8"?>\n<StopInstancesResponse xmlns="${XML_NS}"><requestId>r</requestId>${stateChange([16, "running"], [64, "stopping"])}</StopInstancesResponse>`,
  StartInstances: `<?xml version="1.0" encoding="UTF-8"?>\n<StartInstancesResponse xmlns="${XML_NS}"><requestId>r</requestId>${stateChange([80, "stopped"], [0, "pending"])}</StartInstancesResponse>`,
};
const cannedBytes = Object.fromEntries(Object.entries(cannedXml).map(([k, v]) => [k, Buffer.from(v)]));

/** The requestHandler returning canned XML. */
export const cannedHandler = {
  async handle(request) {
    const action = String(request.body).includes("Action=StopInstances") ? "StopInstances" : "StartInstances";
    return { response: { statusCode: 200, headers: { "content-type": "text/xml;charset=UTF-8" }, body: cannedBytes[action] } };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
};
