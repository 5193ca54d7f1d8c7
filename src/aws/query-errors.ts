/**
 * The errors every AWS query API answers alike (ELBv2, Auto Scaling): the
 * protocol's (MissingAction, InvalidAction, MalformedQueryString, a
 * parameter the action does not have, a value of the wrong type), a Region
 * the account cannot use, an unexpected failure, and IAM's AccessDenied.
 * Declared once here; each service's catalogue spreads them with its own
 * error class (`make`), so that the class is still built only in that
 * catalogue (test/error-catalogue.test.ts) and the SDK of the service sees
 * its own errors. Sources: docs/behaviour.md, "Elastic Load Balancing v2"
 * and "EC2 Auto Scaling".
 */

import type { CloudError } from "../kit/errors.js";
import type { Refusal } from "../protocols/refusal.js";
import { notImplementedMessage, serviceTitle } from "./not-implemented.js";

/** Builds one error of a service's family: its wire code, message and HTTP status (400 when absent). */
export type MakeQueryError<E extends CloudError> = (code: string, message: string, status?: number) => E;

/** The common errors of AWS query APIs, in a service's error class. */
export function commonQueryErrors<E extends CloudError>(make: MakeQueryError<E>) {
  return {
    /** A query request without Action (wire door). */
    missingAction() {
      return make("MissingAction", "The request must contain the parameter Action");
    },
    /** An action the service does not have, the mock does not implement, or another version (wire door; the wording STS uses). */
    invalidAction(action: string, version: string) {
      return make("InvalidAction", `Could not find operation ${action} for version ${version}`);
    },
    /** An action of the service's API that the mock does not implement (wire door; decision: 501, as EC2's). */
    notImplemented(action: string, service: string) {
      return make("Ec2MockNotImplemented", notImplementedMessage(action, service, serviceTitle(service)), 501);
    },
    /** An error an override threw (`Ec2MockServiceError`): the code, message and status exactly as given. */
    userRequested(code: string, message: string, status: number) {
      return make(code, message, status);
    },
    /** A form that does not parse (wire door). */
    malformedQueryString() {
      return make("MalformedQueryString", "The query string contains a syntax error.");
    },
    /** A parameter the action's input schema does not know (wire door; decision: refused, as the EC2 front does). */
    unknownParameter(key: string) {
      return make("ValidationError", `The parameter ${key} is not recognized`);
    },
    /** A value that is not of its member's type (decision: the service's ValidationError, the EC2 front's wording). */
    wrongType(key: string, text: string, expected: string) {
      return make("ValidationError", `Value (${text}) for parameter ${key} is invalid. ${expected}`);
    },
    /** An SDK input that is not a structure (plugin; decision). */
    inputNotStructure(shown: string) {
      return make("ValidationError", `The request input must be a structure; got ${shown}.`);
    },
    /** Something the mock did not expect (the common InternalFailure). */
    internal() {
      return make("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", 500);
    },
    /** A Region the mock does not serve (the common InvalidClientTokenId: the account cannot use it). */
    invalidClientTokenId() {
      return make("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    },
    /**
     * IAM denied the call (the common AccessDenied, 403), in IAM's words:
     * `User: ARN is not authorized to perform: ACTION on resource: RES because …`.
     */
    accessDenied(principalArn: string, action: string, resource: string, explicitDeny: boolean) {
      const why = explicitDeny
        ? "with an explicit deny in an identity-based policy"
        : `because no identity-based policy allows the ${action} action`;
      return make("AccessDenied", `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`, 403);
    },
  };
}

/** The common errors of one service, as {@link commonQueryErrors} builds them. */
export type CommonQueryErrors<E extends CloudError> = ReturnType<typeof commonQueryErrors<E>>;

/** The errors a codec's refusal is told in: the four every query API has (EC2's own catalogue names `wrongType` otherwise). */
export type RefusalWords<E extends CloudError> = Pick<
  CommonQueryErrors<E>,
  "malformedQueryString" | "unknownParameter" | "wrongType" | "inputNotStructure"
>;

/** A codec's refusal (src/protocols/refusal.ts) in a service's words. */
export function refusalInWords<E extends CloudError>(errors: RefusalWords<E>, refusal: Refusal): E {
  switch (refusal.kind) {
    case "malformed-form":
      return errors.malformedQueryString();
    case "unknown-parameter":
      return errors.unknownParameter(refusal.key);
    case "invalid-value":
      return errors.wrongType(refusal.key, refusal.text, refusal.expected);
    case "not-a-structure":
      return errors.inputNotStructure(refusal.shown);
  }
}
