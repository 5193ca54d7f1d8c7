"""What the boto3 scenario scripts of test/interop share: the client on the mock and the refusal recorder.

boto3_tutorial.py and boto3_images_templates.py import it from the directory
they stand in (Python puts a script's directory first on its path): copy it
along with them. Only boto3 is needed.
"""

import boto3
from botocore.exceptions import ClientError


def mock_client(endpoint, region, service="ec2"):
    """A client of `service` (EC2 unless said otherwise) on the mock at `endpoint`, in `region`.

    Fake keys and an explicit endpoint: nothing here can act on a real account.
    The mock answers EC2, ELBv2 ("elbv2") and Auto Scaling ("autoscaling") at one endpoint.
    """
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def refusal_recorder(facts):
    """A `refused(name, call, **params)` that records the refusals into `facts`.

    It calls an operation EC2 must refuse and records its error code, message,
    HTTP status and operation under `name`; a call that succeeds raises.
    """

    def refused(name, call, **params):
        try:
            call(**params)
        except ClientError as e:
            facts[name] = {
                "code": e.response["Error"]["Code"],
                "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "operation": e.operation_name,
            }
            return
        raise AssertionError(f"{name}: the call succeeded")

    return refused
