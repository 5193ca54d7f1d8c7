/** The message of `Ec2MockNotImplemented`, the answer to an action the mock does not implement (every service, every wire door). */

/** A service's name in the message, by its signing name. */
export function serviceTitle(service: string): string {
  return service === "autoscaling"
    ? "Auto Scaling"
    : service === "elasticloadbalancing"
      ? "Elastic Load Balancing"
      : service === "sts"
        ? "STS"
        : "EC2";
}

/**
 * `ec2-mock does not implement <Action> (<service>); EC2 would answer it. Give it an answer with ec2.use({ <Action>: ... }) ...`
 * (for another service than EC2, its name and its key `service:Action`).
 */
export function notImplementedMessage(action: string, service: string, title: string): string {
  const key = service === "ec2" ? action : JSON.stringify(`${service}:${action}`);
  return `ec2-mock does not implement ${action} (${service}); ${title} would answer it. Give it an answer with ec2.use({ ${key}: ... }) or createEc2Mock({ onUnhandledCommand }), or open an issue.`;
}
