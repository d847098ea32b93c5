-- wrk script: POST distinct, realistic contributions to /v1/submissions and count decisions.
-- Each thread builds texts from the vocabulary of the hand-written contributions in
-- Tests/Fixtures, so no two are alike (no duplicate rejections).
local words = {"a", "about", "advice", "after", "again", "aid", "aids", "all", "although", "always", "am",
  "ambulance", "an", "anal", "and", "ankle", "answer", "anyone", "appointment", "appointments", "are",
  "area", "arm", "art", "as", "ask", "assessed", "assessment", "assist", "at", "attack", "audiologist",
  "away", "baby", "back", "bandage", "batteries", "be", "because", "been", "before", "between", "birth",
  "boy", "breast", "breastfeeding", "breathing", "brilliant", "broken", "bus", "but", "by", "call", "calls",
  "calm", "came", "can", "cannot", "cardiac", "cards", "care", "centre", "chair", "changed", "check",
  "checked", "checks", "chest", "child", "children", "class", "classes", "clearly", "clinic", "cockermouth",
  "come", "comfortable", "community", "compassionate", "confidence", "consultant", "cooking", "correctly",
  "cough", "could", "crew", "cut", "date", "daughter", "day", "decided", "department", "develop", "diabetic",
  "did", "dietitian", "difference", "different", "dignity", "direct", "discharge", "disorder", "do", "doing",
  "done", "drama", "drive", "during", "dying", "each", "earlier", "ease", "easier", "easy", "eating",
  "emails", "end", "english", "enough", "equipped", "evening", "every", "everyone", "everything", "exactly",
  "examination", "excellent", "exercise", "exercises", "exhausted", "expected", "experience", "explain",
  "explained", "explaining", "express", "eye", "falls", "family", "far", "faster", "father", "felt", "find",
  "first", "fissure", "five", "foot", "for", "fortnight", "found", "friendly", "friends", "frightened",
  "from", "front", "full", "fun", "fund", "gave", "get", "getting", "given", "go", "goals", "got", "gp",
  "grandmother", "grateful", "gym", "had", "happen", "happens", "happy", "hard", "has", "have", "having",
  "he", "health", "hearing", "heart", "help", "helped", "helpful", "her", "him", "hip", "his", "home",
  "hospital", "hour", "house", "how", "husband", "hydrotherapy", "i", "if", "impressed", "in", "infection",
  "information", "inside", "insoles", "intensive", "investigation", "is", "it", "judgemental", "just",
  "kept", "kind", "knee", "known", "language", "last", "leaflet", "learning", "left", "leg", "leisure",
  "letter", "letters", "life", "lift", "like", "list", "listened", "lists", "little", "live", "local",
  "long", "looking", "lot", "lymphoedema", "machine", "made", "make", "many", "matters", "me", "means",
  "mental", "middlesex", "missed", "mobile", "months", "more", "most", "mother", "moved", "msk", "much",
  "mum", "music", "my", "nails", "nearest", "nearly", "need", "never", "new", "no", "nobody", "non", "not",
  "noticed", "now", "nurse", "nursery", "occupational", "of", "offered", "often", "on", "one", "only",
  "operating", "operation", "orthoptist", "orthotics", "other", "our", "over", "own", "paediatric",
  "palliative", "paperwork", "paramedic", "paramedics", "part", "partner", "passed", "patience", "patients",
  "pay", "pelvic", "penistone", "people", "person", "phone", "physio", "physiotherapist", "physiotherapy",
  "picture", "plain", "please", "podiatrist", "podiatry", "pool", "possible", "post", "practical",
  "practitioners", "pressure", "prevention", "printed", "problem", "problems", "properly", "prostate",
  "prosthetics", "protection", "provided", "question", "quick", "quickly", "radiographer", "radiographers",
  "ramp", "rather", "real", "rearranged", "reassuring", "rectal", "refer", "referral", "regular",
  "rehabilitation", "repair", "replacement", "residents", "results", "right", "room", "rural", "rushed", "s",
  "safely", "same", "sample", "saved", "saves", "say", "scan", "school", "schools", "scunthorpe", "second",
  "seeing", "seems", "self", "sent", "seriously", "service", "services", "session", "sessions", "setting",
  "sexual", "she", "should", "shoulder", "side", "simple", "skilled", "smiled", "so", "son", "sooner",
  "speech", "spoke", "spotted", "staff", "start", "stay", "stiff", "still", "stressful", "stretched",
  "stroke", "struggling", "supervise", "support", "sure", "sussex", "swallow", "swelling", "symptoms",
  "take", "talk", "talked", "talking", "taught", "taxi", "team", "tell", "test", "than", "that", "the",
  "theatre", "their", "them", "therapist", "therapists", "therapy", "there", "they", "thing", "things",
  "think", "three", "through", "tie", "time", "times", "to", "toes", "told", "tongue", "too", "took", "town",
  "treated", "treatment", "trip", "twice", "two", "ulcer", "under", "understanding", "unit", "until",
  "upstairs", "urine", "us", "use", "used", "useful", "very", "video", "vision", "visit", "visits", "wait",
  "waited", "waiting", "ward", "was", "way", "we", "week", "weekend", "weeks", "welcoming", "well", "were",
  "what", "wheelchair", "when", "whether", "which", "while", "who", "why", "will", "wish", "with", "within",
  "without", "words", "work", "worked", "worry", "worse", "would", "wrong", "year", "years", "you"}
local counter = 0
local token = os.getenv("GATEHOUSE_TOKEN") or "bench-intake-token"
-- BENCH_CLIENTREF=1: every request also carries a contributor and a clientRef, as an intake
-- that retries safely sends them (an idempotency lookup and record per submission).
local with_client_ref = os.getenv("BENCH_CLIENTREF") == "1"
local thread_id = 0
-- BENCH_DELAY_MS: each connection waits this long after an answer before its next request
-- (a steady rate for the soak, docs/bench/soak.sh), instead of sending as fast as it can.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if delay_ms > 0 then
  delay = function() return delay_ms end
end
-- BENCH_INSTANCE: set apart when several wrk processes run at once (one per gateway), so that
-- their texts, contributors and clientRefs differ.
local instance = tonumber(os.getenv("BENCH_INSTANCE") or "0")

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", instance * 1000 + thread_id)
end

function init(args)
  math.randomseed(id * 7919)
  statuses = {}
end

request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 60 do parts[i] = words[math.random(#words)] end
  local text = table.concat(parts, " ") .. " " .. id .. "-" .. counter
  local body
  if with_client_ref then
    body = '{"text":"' .. text .. '","contributor":"session-' .. id .. '-' .. counter .. '","clientRef":"ref-' .. id .. '-' .. counter .. '"}'
  else
    body = '{"text":"' .. text .. '"}'
  end
  return wrk.format("POST", "/v1/submissions", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests: %d in %.1f s, %.0f/s; errors: connect %d, read %d, write %d, timeout %d, status %d\n",
    summary.requests, seconds, summary.requests / seconds, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status))
  io.write(string.format("latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
