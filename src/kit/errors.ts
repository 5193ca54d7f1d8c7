/**
 * The base of every cloud's error: what an operation throws to fail a call
 * the way the cloud does. Each cloud has one subclass (`Ec2Error` for AWS,
 * `CvmError` for Tencent Cloud) and one catalogue of named functions that
 * build it (`errors`, `cvmErrors`); nothing else constructs them
 * (test/error-catalogue.test.ts checks it). Each door renders the error its
 * own way: an SDK exception, EC2's error XML, Tencent Cloud's JSON envelope.
 *
 * @public
 */
export abstract class CloudError extends Error {
  /**
   * @param code - the cloud's error code, as the cloud sends it
   *   (`IncorrectInstanceState`, `UnsupportedOperation.InstanceStateStopped`);
   *   also the error's `name`, as the SDKs name their exceptions.
   * @param message - the cloud's message, as the cloud sends it.
   * @param status - the HTTP status the cloud answers this error with (EC2:
   *   400, 401, 403, 412, 500, 503...; Tencent Cloud API 3.0: always 200).
   */
  protected constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}
