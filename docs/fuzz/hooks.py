"""Schemathesis hooks for docs/fuzz/api.sh.

The gateway refuses a receivedAt more than five minutes ahead of its clock, which a JSON
schema cannot say; generated times in this year or later are moved back to 2001 so that
schema-valid requests stay valid.
"""
import datetime

import schemathesis

THIS_YEAR = datetime.datetime.now(datetime.timezone.utc).year


@schemathesis.hook
def map_body(ctx, body):
    if isinstance(body, dict):
        value = body.get("receivedAt")
        if isinstance(value, str) and value[:4].isdigit() and int(value[:4]) >= THIS_YEAR:
            body["receivedAt"] = "2001" + value[4:]
    return body
