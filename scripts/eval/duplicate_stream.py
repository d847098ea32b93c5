#!/usr/bin/env python3
"""Generates a labelled, timestamped stream of a listening exercise for measuring duplicate detection.

    scripts/eval/duplicate_stream.py --seed 2 --count 2500 > /tmp/dup-seed2.jsonl
    gatehouse scan --secret-file KEY /tmp/dup-seed2.jsonl > /tmp/dup-seed2.out.jsonl
    scripts/eval/duplicate_score.py /tmp/dup-seed2.jsonl /tmp/dup-seed2.out.jsonl

Specification (written before any tuning; see docs/eval/duplicates.md):
* Originals: views on the allied health professions, each from its own contributor, a few
  sentences built from many independent parts so that two originals rarely share much text.
* Copies of an earlier item, labelled with the id they copy (`copy_of`) and their kind:
  exact resubmissions and lightly edited copies (typos, a word swapped, a sentence added or
  dropped, two sentences swapped, case and punctuation, cut off part way as by a text box's
  limit, one sentence inside put in their own words, retyped with a slip in every sentence), from
  the same contributor or from another one (a second session, a friend), at gaps
  from seconds to four weeks.
* Campaigns: a template sent by many contributors, some verbatim, some with a personal sentence
  added; every copy after the first is a copy of the first.
* Hard negatives, which are not copies: same-topic look-alikes (same profession, place and
  relative, different words), and boilerplate answers that quote the same long consultation
  question, or the same template preamble, and then give a short answer of their own. A
  boilerplate answer that happens to be word for word an earlier one is labelled a copy of it.
* About one item in twelve comes without a contributor (the platform sent no token); its copies
  can only be told as copies of an earlier item, not as a contributor's own repeats.
Each line is a scan input line plus labels that scan ignores:
  {"id", "text", "contributor", "conversation", "receivedAt", "kind", "copy_of"}
kind: original | exact-same | exact-other | edited-same | edited-other | campaign |
      lookalike | boilerplate
"""
import argparse
import datetime
import json
import random
import sys

PROFESSIONS = ["physiotherapist", "podiatrist", "speech and language therapist", "radiographer", "paramedic",
               "occupational therapist", "dietitian", "orthoptist", "prosthetist", "art therapist"]
SERVICES = ["physiotherapy", "podiatry", "speech therapy", "the X-ray department", "the ambulance service",
            "occupational therapy", "dietetics", "the MSK clinic", "the foot clinic", "the hand therapy unit"]
PLACES = ["Leeds", "Wigan", "Swansea", "Truro", "Carlisle", "Luton", "Derby", "Ipswich", "Belfast", "Dundee",
          "Bolton", "Exeter", "Hull", "Stoke", "Norwich", "Bangor", "Preston", "Slough"]
RELATIVES = ["mum", "dad", "son", "daughter", "husband", "wife", "grandad", "nan", "partner", "brother"]
CONDITIONS = ["a stroke", "a hip replacement", "diabetes", "a stammer", "MS", "arthritis", "a broken wrist",
              "cerebral palsy", "back pain", "Parkinson's", "a knee injury", "COPD"]
OPENERS = ["I want to tell you about", "This is about", "I'm writing about", "Just a note about", "My view on",
           "Some feedback on", "A few words about", "I need to raise", "Here is what happened with",
           "We have had a long journey with", "Honestly, I have mixed feelings about", "Thank you for asking about",
           "I have used", "Our family relies on", "Let me describe our experience of", "I was referred to"]
EXTRA = [
    "The receptionist remembered our names, which meant a lot.", "Nobody told us the clinic had moved.",
    "We were seen in a corridor because the rooms were full.", "The online form kept crashing on my phone.",
    "A student sat in and that was fine by us.", "The exercises sheet was hard to read.",
    "We had to repeat the whole history three times.", "The home visit made all the difference.",
    "I had to take unpaid leave for every session.", "The interpreter did not turn up twice.",
    "The equipment arrived after we had bought our own.", "Group sessions were better than I expected.",
    "The follow-up call never came.", "We were discharged before we felt ready.",
    "The waiting area had nowhere for a wheelchair.", "The staff clearly cared but there are not enough of them.",
    "I was given three different answers by three people.", "The video appointment worked well for us.",
    "Transport was arranged but arrived two hours late.", "I felt listened to for the first time in years.",
]
WAIT = ["we waited {n} weeks for a first appointment", "the wait was {n} months", "it took {n} weeks to hear back",
        "nobody called for {n} weeks", "the referral sat for {n} months"]
STAFF = ["the {p} was patient and explained everything", "the {p} rushed us and did not listen",
         "the {p} was kind but clearly overworked", "the {p} gave us exercises that actually worked",
         "the {p} kept cancelling at short notice", "our {p} went above and beyond"]
ASKS = ["Please fund more staff.", "Please answer the phone.", "Please put clinics closer to home.",
        "Please let us book online.", "Please keep the evening sessions.", "Please stop cancelling.",
        "Please give carers a say.", "Please cut the waiting lists."]
DETAILS = ["Parking cost {n} pounds every visit.", "The bus takes {n} minutes each way.",
           "We went {n} times before it improved.", "There were {n} people in the waiting room.",
           "The letter arrived {n} days after the appointment.", "The ward had {n} empty beds."]
QUESTIONS = [
    "Question 4: Thinking about the last time you or someone you care for used an allied health profession service, "
    "how easy or difficult was it to get an appointment, and what would have made it easier for you?",
    "Consultation question 7: How well do you feel the service listened to you, involved you in decisions about "
    "your care and treatment, and explained what would happen next and why?",
    "Q2. If you could change one thing about how allied health professionals work together with GPs, hospitals "
    "and social care in your area, what would it be?",
    "\"What matters most to you when you see a physiotherapist, podiatrist, dietitian or other allied health "
    "professional?\" (please answer in your own words)",
]
PREAMBLES = [
    "I am responding as a member of the Friends of the Community Hospital group. We believe that local "
    "therapy services are a lifeline for older people in our area and must be protected.",
    "This response is submitted on behalf of the Parents' Forum for Disabled Children. Our members have asked us "
    "to pass on their individual views, which follow.",
]
SHORT_ANSWERS = ["Very difficult, I rang for a week.", "Easy enough once I got through.", "Online booking would help.",
                 "They did listen to me.", "Not at all, nobody explained.", "A text reminder would help.",
                 "My GP had to chase it.", "It was fine in the end.", "Evening slots please.", "Hard, the line was always busy.",
                 "I rang {n} times before anyone answered.", "It took {n} weeks and two letters.",
                 "Being seen near home, in {place}.", "Someone who knows my {r}'s history.",
                 "Less paperwork and one named person.", "Honestly it was easier than I feared.",
                 "Shared notes so I stop repeating myself.", "Time to ask questions without feeling rushed."]
CAMPAIGN_TEMPLATES = [
    "Save our hydrotherapy pool! The pool at {place} community hospital helps hundreds of people with arthritis "
    "and after surgery every week. Closing it would mean longer journeys and worse recovery. Keep it open.",
    "Stop the cuts to children's speech and language therapy. Every child with a speech difficulty deserves timely "
    "help, and waiting more than a year harms their schooling and confidence. Fund the service properly.",
]
PERSONAL = ["My {r} uses it twice a week.", "This matters to my family.", "I have seen the difference it makes.",
            "We live {n} miles away.", "Please listen to us."]
TYPOS = [("the", "teh"), ("appointment", "appointmnet"), ("because", "becuase"), ("waiting", "wating"),
         ("really", "realy"), ("received", "recieved"), ("which", "wich")]
SWAPS = [("patient", "calm"), ("kind", "lovely"), ("weeks", "wks"), ("Please", "Pls"), ("explained", "described"),
         ("rushed", "hurried"), ("months", "mths")]

# Words a copier puts in their own (2026-12-04, late night): a word or two in half the sentences.
SYNONYMS = [("really", "truly"), ("hospital", "infirmary"), ("only", "just"), ("kind", "lovely"), ("waited", "queued"),
            ("help", "support"), ("brilliant", "excellent"), ("told", "informed"), ("never", "not once"), ("long", "lengthy"),
            ("my", "our"), ("I ", "We "), ("phone", "ring"), ("letter", "note"), ("staff", "team"), ("weeks", "wks")]

REWRITES = ["Honestly it has been a nightmare from start to finish", "I could not believe how long it all took",
            "We felt like nobody was listening to us at all", "It was the same story every single time we called",
            "My whole family was affected by this", "This is exactly what happened to us as well",
            "The staff did their best with what they had", "Nobody could tell us what was going on"]


def original_text(r):
    p, s, place, rel, cond = r.choice(PROFESSIONS), r.choice(SERVICES), r.choice(PLACES), r.choice(RELATIVES), r.choice(CONDITIONS)
    n = r.randint(2, 40)
    parts = [f"{r.choice(OPENERS)} {s} in {place}.",
             f"My {rel} has {cond} and " + r.choice(WAIT).format(n=n) + ".",
             r.choice(STAFF).format(p=p).capitalize() + ".",
             r.choice(DETAILS).format(n=r.randint(2, 90))]
    r.shuffle(parts[1:])
    parts.extend(r.sample(EXTRA, k=r.randint(1, 3)))
    r.shuffle(parts)
    if r.random() < 0.6:
        parts.append(r.choice(DETAILS).format(n=r.randint(2, 90)))
    parts.append(r.choice(ASKS))
    return " ".join(parts), (p, s, place, rel, cond)


ANSWER_OPENERS = ["Honestly,", "For us,", "In my experience", "Speaking as a carer,", "To be fair,", "Sadly,",
                  "Put simply,", "From where I sit,", "As a parent,", "Mostly", "I'd say", "Truthfully"]
ANSWER_CORES = ["it took {n} phone calls to get anywhere", "the {p} in {place} sorted it within {n} days",
                "my {r} gave up after {n} weeks of waiting", "nobody explained why the letter took {n} weeks",
                "we drove {n} miles because nothing was closer", "the online booking failed {n} times",
                "I only got seen after my {r} complained", "the {p} listened properly for once",
                "it was quicker to pay privately after {n} weeks", "the clinic in {place} changed our slot {n} times",
                "I had to explain my {r}'s history {n} times", "the text reminders were the best part"]
ANSWER_TAILS = ["", "", " and that was that", " which made it worse", ", so thanks", ", if I'm honest",
                " for my {r}", " in {place} at least"]


def short_answer(r, used):
    """A short answer in the contributor's own words. Composed, and each filled-in core (what
    the answer says, without its opener and tail) is drawn afresh when an earlier answer said
    it: two different people do not say "my daughter gave up after 34 weeks of waiting" in the
    same words, and a stream that labels two such answers distinct views would be mislabelled."""
    parts = []
    for _ in range(r.randint(1, 2)):
        for _ in range(50):
            fill = dict(n=r.randint(2, 40), place=r.choice(PLACES), r=r.choice(RELATIVES), p=r.choice(PROFESSIONS))
            core = r.choice(ANSWER_CORES).format(**fill)
            if core not in used:
                break
        used.add(core)
        sentence = f"{r.choice(ANSWER_OPENERS)} {core}{r.choice(ANSWER_TAILS).format(**fill)}."
        parts.append(sentence[0].upper() + sentence[1:])
    if r.random() < 0.3:
        parts.append(r.choice(SHORT_ANSWERS).format(n=r.randint(2, 30), place=r.choice(PLACES), r=r.choice(RELATIVES)))
    return " ".join(parts)


def lookalike_text(r, topic):
    p, s, place, rel, cond = topic
    return " ".join([f"{r.choice(OPENERS)} {s} in {place}.", f"My {rel} has {cond}.",
                     r.choice(STAFF).format(p=p).capitalize() + ".", r.choice(WAIT).format(n=r.randint(2, 40)).capitalize() + ".",
                     r.choice(DETAILS).format(n=r.randint(2, 90)), r.choice(ASKS)])


def edit(r, text):
    ops = r.sample(["typo", "swap", "add", "drop", "case", "punct", "cut", "reorder", "rewrite", "reword", "reword-short", "retype"],
                   k=r.randint(1, 2))
    for op in ops:
        if op == "typo":
            for a, b in r.sample(TYPOS, k=len(TYPOS)):
                if f" {a} " in text:
                    text = text.replace(f" {a} ", f" {b} ", 1)
                    break
        elif op == "swap":
            for a, b in r.sample(SWAPS, k=len(SWAPS)):
                if a in text:
                    text = text.replace(a, b, 1)
                    break
        elif op == "add":
            text = text + " " + r.choice(["Thanks.", "That's all.", "Thank you for reading this.", "Hope it helps."])
        elif op == "drop":
            sentences = text.split(". ")
            if len(sentences) > 3:
                sentences.pop(r.randrange(1, len(sentences) - 1))
                text = ". ".join(sentences)
        elif op == "cut":
            # Pasted into a box too small for it: cut off part way, mid-word or mid-sentence.
            text = text[:int(len(text) * r.uniform(0.55, 0.9))].rstrip()
        elif op == "reorder":
            sentences = text.split(". ")
            if len(sentences) > 2:
                at = r.randrange(len(sentences) - 1)
                sentences[at], sentences[at + 1] = sentences[at + 1].rstrip("."), sentences[at] + ("." if at + 1 == len(sentences) - 1 else "")
                text = ". ".join(sentences)
        elif op == "rewrite":
            # One sentence inside the text put in the copier's own words.
            sentences = text.split(". ")
            if len(sentences) > 3:
                sentences[r.randrange(1, len(sentences) - 1)] = r.choice(REWRITES)
                text = ". ".join(sentences)
        elif op == "reword":
            sentences = text.split(". ")
            for at in r.sample(range(len(sentences)), k=(len(sentences) + 1) // 2):
                for a, b in r.sample(SYNONYMS, k=len(SYNONYMS)):
                    if a in sentences[at]:
                        sentences[at] = sentences[at].replace(a, b, 1)
                        break
            text = ". ".join(sentences)
        elif op == "reword-short":
            # A word changed in each of the two shortest sentences (stop 34, from a hand-written
            # set): a short sentence keeps few of its shingles.
            sentences = text.split(". ")
            for at in sorted(range(len(sentences)), key=lambda i: len(sentences[i]))[:2]:
                words = sentences[at].split(" ")
                if len(words) > 3:
                    words[r.randrange(len(words) // 2, len(words))] = r.choice(["totally", "really", "so", "just", "awful"])
                    sentences[at] = " ".join(words)
            text = ". ".join(sentences)
        elif op == "retype":
            # Typed again from a leaflet (stop 35, from a hand-written set): a slip in every
            # sentence, a letter dropped, doubled or two swapped in a word of five or more.
            sentences = text.split(". ")
            for at, sentence in enumerate(sentences):
                words = sentence.split(" ")
                long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
                if not long:
                    continue
                i = r.choice(long)
                w = words[i]
                k = r.randrange(1, len(w) - 1)
                slip = r.choice(["drop", "double", "swap"])
                words[i] = w[:k] + w[k + 1:] if slip == "drop" else w[:k] + w[k] + w[k:] if slip == "double" else w[:k] + w[k + 1] + w[k] + w[k + 2:]
                sentences[at] = " ".join(words)
            text = ". ".join(sentences)
        elif op == "case":
            text = text.lower() if r.random() < 0.5 else text.upper()
        else:
            text = text.replace(".", "!", 1).replace(",", "", 1)
    return text


GAPS = [5, 40, 300, 3600, 6 * 3600, 26 * 3600, 3 * 86400, 8 * 86400, 16 * 86400, 27 * 86400]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=2500)
    # An item every quarter of an hour: 60,000 items span about 21 months. The default start is
    # far enough back that the whole stream is in the past (gatehouse scan refuses a receivedAt
    # ahead of its clock), and fixed, so that a seed gives the same stream on any day.
    parser.add_argument("--start", default="2024-01-01T08:00:00", help="time of the stream's start (ISO 8601, UTC)")
    args = parser.parse_args()
    r = random.Random(args.seed)
    start = datetime.datetime.fromisoformat(args.start)
    items = []  # (time, record)
    originals = []
    next_contributor = [0]
    used_cores = set()  # every answer core said so far (see short_answer)

    def contributor():
        next_contributor[0] += 1
        return f"c{next_contributor[0]}"

    clock = 0.0
    campaigns = [{"template": t.replace("{place}", r.choice(PLACES)), "first": None, "sent": 0} for t in CAMPAIGN_TEMPLATES]
    for index in range(args.count):
        clock += r.expovariate(1 / 900)  # an item every quarter of an hour on average: a four-week exercise
        roll = r.random()
        record = {"id": f"d{index}", "conversation": "aph-2026"}
        if roll < 0.50 or not originals:
            text, topic = original_text(r)
            record.update(text=text, contributor=contributor(), kind="original")
            originals.append((clock, record, topic))
            items.append((clock, record))
            continue
        if roll < 0.72:
            at, source, topic = r.choice(originals)
            same = r.random() < 0.5
            exact = r.random() < 0.45
            gap = min(r.choice(GAPS) * r.uniform(0.8, 1.2), 28 * 86400)  # up to four weeks
            when = at + gap
            text = source["text"] if exact else edit(r, source["text"])
            record.update(text=text, contributor=source["contributor"] if same else contributor(),
                          kind=("exact-" if exact else "edited-") + ("same" if same else "other"), copy_of=source["id"])
            items.append((when, record))
            continue
        if roll < 0.82:
            campaign = r.choice(campaigns)
            text = campaign["template"]
            if r.random() < 0.5:
                personal = r.choice(PERSONAL).format(r=r.choice(RELATIVES), n=r.randint(3, 30))
                text = f"{text} {personal}" if r.random() < 0.75 else f"{personal} {text}"
            record.update(text=text, contributor=contributor(), kind="campaign")
            if campaign["first"] is None:
                campaign["first"] = record["id"]
                record["kind"] = "original"
            else:
                record["copy_of"] = campaign["first"]
            items.append((clock, record))
            continue
        if roll < 0.91:
            _, _, topic = r.choice(originals)
            record.update(text=lookalike_text(r, topic), contributor=contributor(), kind="lookalike")
            items.append((clock, record))
            continue
        quoted = r.choice(QUESTIONS + PREAMBLES)
        answer = short_answer(r, used_cores)
        text = f"{quoted} {answer}" if r.random() < 0.85 else f"{quoted}\n{answer}"
        record.update(text=text, contributor=contributor(), kind="boilerplate")
        items.append((clock, record))
    items.sort(key=lambda pair: pair[0])
    seen = set()
    first_with_text = {}
    for when, record in items:
        # A copy scheduled before its source (cannot happen with positive gaps) is dropped.
        if record.get("copy_of") and record["copy_of"] not in seen:
            continue
        seen.add(record["id"])
        if record["kind"] == "boilerplate" and record["text"] in first_with_text:
            record.update(kind="exact-other", copy_of=first_with_text[record["text"]])
        first_with_text.setdefault(record["text"], record["id"])
        if r.random() < 1 / 12 and record["kind"] in ("original", "lookalike", "boilerplate", "campaign", "exact-other", "edited-other"):
            del record["contributor"]
        record["receivedAt"] = (start + datetime.timedelta(seconds=when)).strftime("%Y-%m-%dT%H:%M:%SZ")
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
