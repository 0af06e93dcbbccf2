"""A later step's boto3: calls GetCallerIdentity with one client, makes the
credential process's cache stale between the first and second call, and
prints each call's ARN. argv[1] is the cache file."""
import json
import sys

import boto3

cache = sys.argv[1]
sts = boto3.client("sts")
print(sts.get_caller_identity()["Arn"])
with open(cache) as f:
    doc = json.load(f)
doc["Expiration"] = "2000-01-01T00:00:00Z"
with open(cache, "w") as f:  # keeps the file's 0600 mode
    json.dump(doc, f)
print(sts.get_caller_identity()["Arn"])
print(sts.get_caller_identity()["Arn"])
