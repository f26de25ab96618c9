"""The seed plan's webhook receiver, rebuilt for bench/intake as the baseline of issue 18's intake target.

The seed plan (shared/seed/000_f8901a01df4945fb.txt, task 1, apps/api/src/webhook/vexa.py) says: FastAPI,
POST /webhook/vexa, parse the JSON defensively (native_meeting_id, platform, segments; an unexpected shape is
logged and still answered 200), check each segment's fields (text required), enqueue the ARQ job
save_transcript_segments with the parsed data on Redis, answer {"status": "accepted"} at once. Served by
uvicorn with 2 workers on uvloop and httptools (bench/intake starts it; the workers are its processes).

Two things the seed plan does not say, added so both sides do the same work:
- The signature check. The seed checks nothing; Vexa 0.12 signs every delivery (reference/vexa-api.md §5):
  X-Webhook-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + raw body)), X-Webhook-Timestamp in
  unix seconds, verified over the raw bytes with a constant-time compare, within VEXA_WEBHOOK_TOLERANCE_S
  (the service's default, 300 s). A request that fails it gets 401, as the service answers.
- The enqueue, by SEED_ENQUEUE:
  arq    (the seed plan as written) ArqRedis.enqueue_job as arq 0.25 does it: WATCH the job key, EXISTS job
         and result keys, then MULTI, PSETEX the pickled job, ZADD the queue, EXEC. Three round trips.
         arq itself is not packaged by Debian, so its enqueue is rebuilt here, key names and all.
  list   the raw body LPUSHed to one list (one round trip): the lightest reading of "enqueue to Redis".
  stream the raw body XADDed to one stream, as the service's inbox does (one round trip).
No worker runs: this is the acceptance side only, the part a webhook waits for.

Settings (environment): REDIS_URL, VEXA_WEBHOOK_SECRET, VEXA_WEBHOOK_TOLERANCE_S, SEED_ENQUEUE, SEED_KEY_PREFIX.
"""
import hashlib
import hmac
import json
import logging
import os
import pickle
import time
import uuid

import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

LOG = logging.getLogger("seed.webhook.vexa")

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
SECRET = os.environ.get("VEXA_WEBHOOK_SECRET", "").encode()
TOLERANCE_S = int(os.environ.get("VEXA_WEBHOOK_TOLERANCE_S", "300"))
ENQUEUE = os.environ.get("SEED_ENQUEUE", "arq")
PREFIX = os.environ.get("SEED_KEY_PREFIX", "")

# arq's defaults (arq/constants.py): the queue, the job and result key prefixes, a job's expiry of one day.
ARQ_QUEUE = PREFIX + "arq:queue"
ARQ_JOB = PREFIX + "arq:job:"
ARQ_RESULT = PREFIX + "arq:result:"
ARQ_EXPIRES_MS = 86_400_000
SEGMENT_FIELDS = ("text", "speaker", "start_time", "end_time", "session_uid", "absolute_start_time", "absolute_end_time", "language")

app = FastAPI()
state = {"redis": None, "logged_first": False}


@app.on_event("startup")
async def startup():
    # "Creates ARQ Redis connection pool" (the seed's lifespan, step 4): one pool per worker process.
    state["redis"] = aioredis.from_url(REDIS_URL)


@app.on_event("shutdown")
async def shutdown():
    await state["redis"].close()


@app.get("/health")
async def health():
    return {"status": "ok"}


def signature_problem(timestamp, signature, body):
    """None when the request is authentic, else why not (Vexa's scheme, as the service checks it)."""
    if timestamp is None or signature is None:
        return "missing X-Webhook-Timestamp or X-Webhook-Signature"
    try:
        sent_at = int(timestamp.strip())
    except ValueError:
        return "X-Webhook-Timestamp is not unix seconds"
    if abs(time.time() - sent_at) > TOLERANCE_S:
        return "X-Webhook-Timestamp is outside the window"
    expected = "sha256=" + hmac.new(SECRET, timestamp.strip().encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        return "signature does not match"
    return None


async def enqueue_arq(function, *args):
    """arq 0.25 ArqRedis.enqueue_job with its defaults (no job id given, no defer, no custom serializer)."""
    redis = state["redis"]
    job_id = uuid.uuid4().hex
    job_key = ARQ_JOB + job_id
    async with redis.pipeline(transaction=True) as pipe:
        await pipe.watch(job_key)
        if await pipe.exists(job_key, ARQ_RESULT + job_id):
            await pipe.reset()
            return None
        enqueue_time_ms = int(time.time() * 1000)
        job = pickle.dumps({"t": None, "f": function, "a": args, "k": {}, "et": enqueue_time_ms})
        pipe.multi()
        pipe.psetex(job_key, ARQ_EXPIRES_MS, job)
        pipe.zadd(ARQ_QUEUE, {job_id: enqueue_time_ms})
        await pipe.execute()
    return job_id


@app.post("/webhook/vexa")
async def vexa_webhook(request: Request):
    raw = await request.body()
    problem = signature_problem(request.headers.get("x-webhook-timestamp"), request.headers.get("x-webhook-signature"), raw)
    if problem is not None:
        return JSONResponse({"detail": "webhook not authenticated: " + problem}, status_code=401)
    # Defensive parsing: whatever arrives is answered 200 ("never reject Vexa's webhook").
    try:
        payload = json.loads(raw)
    except ValueError:
        LOG.warning("webhook body is not JSON: %r", raw[:2000])
        return {"status": "accepted"}
    if not state["logged_first"]:
        state["logged_first"] = True
        LOG.info("first Vexa webhook payload: %s", raw[:2000])
    if not isinstance(payload, dict) or not isinstance(payload.get("segments"), list):
        LOG.warning("unexpected Vexa webhook payload: %s", raw[:2000])
        return {"status": "accepted"}
    native_meeting_id = payload.get("native_meeting_id")
    platform = payload.get("platform")
    segments = []
    for segment in payload["segments"]:
        if not isinstance(segment, dict) or not segment.get("text"):
            LOG.warning("segment without text skipped: %r", segment)
            continue
        segments.append({field: segment.get(field) for field in SEGMENT_FIELDS})
    if ENQUEUE == "arq":
        await enqueue_arq("save_transcript_segments", native_meeting_id, platform, segments)
    elif ENQUEUE == "stream":
        await state["redis"].xadd(PREFIX + "inbox:vexa", {"body": raw})
    else:
        await state["redis"].lpush(PREFIX + "inbox:vexa", raw)
    return {"status": "accepted"}
