#!/usr/bin/env python3
"""Generates labelled contributions for measuring the profanity plugin on text it was not written from.

    scripts/eval/profanity_corpus.py --seed 2 --count 3000 > /tmp/prof-seed2.jsonl
    swift run -c release gatehouse-bench profanity-eval --file /tmp/prof-seed2.jsonl

Specification (docs/eval/profanity.md), written before tuning:
* Half the items swear, half are clean. A swearing item carries one swear word (a few carry
  two) in one disguise class, or a combination of two: plain, leet (digits and symbols for
  letters, including v and 4 for u, $ for s at the end, 9 for g, 7 for t), masked (f*ck, also
  inside compounds: b*llshit, m***erfucker), separated letters of any length (s-p-a-s-t-i-c,
  b o l l o c k s, a*r*s*e*h*o*l*e), stretched letters, look-alikes (Cyrillic, Greek, IPA and
  Latin Extended, mathematical alphanumerics, fullwidth, superscripts), stacked diacritics,
  zero-width characters, and upper case; and (added 2026-12-04, late) split by one mark
  inside it (f.uck, sh-it, pi_ss), ( and < for c, + for t; and (added stop 35) the first letter
  alone (f***, w*****).
* Regional and borrowed insults and misspellings people write (numpty, slapper, tosspot,
  dumbass, douche, fookin, dickface; and, added stop 35, kurwa, cazzo, blyat, chutiya) and slurs
  (spac, kraut, polack, spick).
* Words used as swearing that are sometimes innocent: bloody as an intensifier, dick, cock and
  knob as insults; and (added 2026-12-04, night) insults and oaths of two words, each innocent
  alone: a rude cow, go f yourselves.
* Clean items are full of traps: medical and anatomical words (rectal, breast clinic, anal
  fissure, spastic cerebral palsy, bloody stool, bloody nose, finger prick), places
  (Scunthorpe, Penistone, Cockermouth, Cockfosters, Shitterton), names (Dick Smith, Dick Van
  Dyke, Dickens, Hancock, Libshitz, Van Dyke), and words containing listed words (cocktail,
  peacock, cock-eyed, door knob, knobbly, assessment, Essex, class, titanic, therapist).
Each line: {"id", "text", "swears": bool, "words": [...], "classes": [...], "spans": [[start, end], ...]}
"""
import argparse
import json
import random
import re
import sys
import unicodedata

MILD = ["arse", "crap", "bugger", "pillock", "prat", "git", "bollocks", "piss", "pissed", "sod", "bastard", "turd",
        "dumbass", "numpty", "douche", "skank", "slapper", "tosspot", "arsewipe",
        # Added 2026-12-04, late night, from a second hand-written set.
        "pisstake", "scumbag", "frickin", "effing", "chuffing",
        # Added stop 34, from a seventh hand-written set (British slang).
        "poxy", "twonk", "bastarding", "bollocksed",
        # And a ninth (spellings from the wild).
        "bullcrap", "wtaf", "fannies"]
STRONG = ["fuck", "fucking", "shit", "shite", "cunt", "twat", "wanker", "bellend", "tosser", "knobhead", "dickhead",
          "arsehole", "bullshit", "motherfucker", "fuckwit", "shithead", "bitch", "prick", "fookin", "cocksucker", "dickface",
          "cnut", "cockend", "shiet",
          # Added stop 35: misspelt, and borrowed oaths people write in English (Polish, Italian,
          # Spanish, Russian, Hindi/Urdu).
          "knobhed", "kurwa", "cazzo", "puta", "blyat", "bhenchod", "chutiya"]
SLURS = ["spastic", "retard", "retarded", "paki", "faggot", "nigger", "poof", "tranny", "pikey", "mong", "coon", "wog",
         "spac", "kraut", "polack", "spick"]
CONTEXT_WORDS = {
    "bloody": ["The bloody phone line never answers.", "I waited two bloody hours in A&E.",
               "This bloody booking system logged me out again.", "bloody ridiculous that it took six weeks"],
    "dick": ["The consultant was a complete dick to my mum.", "Don't be a dick, said the porter.",
             "what a dick that receptionist was"],
    "cock": ["The manager made a right cock-up of it.", "He acted like a total cock on the ward.",
             "stop being a cock, I told him"],
    "knob": ["The man at the desk was an absolute knob.", "What a knob, he laughed at my stammer.",
             "some knobs in the car park blocked the ambulance bay"],
    # Insults and oaths of two words, each innocent alone (added 2026-12-04, night).
    "cow": ["The receptionist was a rude cow to my mum.", "What a useless cow that physio was.",
            "stupid cow hung up on me twice", "the silly cow lost my referral letter",
            "that dozy cow in the office lost my forms"],
    "f": ["They basically told me to f off.", "Go f yourselves, honestly.", "what the f is going on with referrals",
          "f you and your waiting list", "they couldnt give a flying f about patients",
          # Added stop 34 (late), from an eighth hand-written set.
          "the receptionist told me to calm the f down", "cheers for f all"],
    "hell": ["Tell them to go to hell.", "the managers can rot in hell"],
    "stuffed": ["they can get stuffed with their surveys"],
    # Added stop 34, from a fifth hand-written set.
    "screw": ["screw you and your 12 week wait", "Screw them, I'm going private."],
    "dicking": ["stop dicking me around with appointments", "they have been dicking us about for months"],
    "bolox": ["what a load of bolox that letter was"],
    "balls": ["they made a right balls-up of my referral", "the manager made a balls up of it"],
    "naff": ["naff off with your surveys"],
    "titting": ["stop titting about and book me in"],
}
LEET = {"a": ["4", "@"], "e": ["3"], "i": ["1", "!"], "o": ["0"], "s": ["5", "$"], "t": ["7", "+"], "g": ["9"], "u": ["v", "4"],
        "b": ["8"], "c": ["(", "<"], "l": ["1", "!"]}
LOOKALIKE = {  # Cyrillic, Greek, IPA/Latin extended, by letter
    "a": ["а", "α", "ɑ"], "c": ["с", "ϲ", "ƈ"], "e": ["е", "ε", "ɛ"], "i": ["і", "ι", "ɪ"], "o": ["о", "ο", "ɵ"],
    "p": ["р", "ρ"], "s": ["ѕ", "ʃ"], "h": ["һ", "ɦ"], "k": ["к", "κ"], "u": ["υ", "ս"], "t": ["т", "ƭ"],
    "r": ["г", "ɾ"], "n": ["п", "ո"], "b": ["ь", "ɓ"], "d": ["ԁ", "ɗ"], "g": ["ɡ"], "l": ["ӏ", "ǀ"], "w": ["ԝ"],
    "y": ["у"], "x": ["х"], "m": ["м"],
}
MATH_STYLES = [0x1D41A, 0x1D44E, 0x1D482, 0x1D4EA, 0x1D51E, 0x1D586, 0x1D5BA, 0x1D5EE, 0x1D622, 0x1D656, 0x1D68A]
SUPERSCRIPT = {"a": "ᵃ", "b": "ᵇ", "d": "ᵈ", "e": "ᵉ", "g": "ᵍ", "h": "ʰ", "i": "ⁱ", "k": "ᵏ", "m": "ᵐ", "n": "ⁿ",
               "o": "ᵒ", "p": "ᵖ", "r": "ʳ", "s": "ˢ", "t": "ᵗ", "u": "ᵘ", "w": "ʷ"}
COMBINING = ["\u0308", "\u0301", "\u0300", "\u0324", "\u0303", "\u0302", "\u0331"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"]


def leet(r, w):
    chars = list(w)
    positions = [i for i, c in enumerate(chars) if c in LEET]
    if not positions:
        return None
    for i in r.sample(positions, k=max(1, len(positions) // 2 + r.randint(0, 1)) if len(positions) > 1 else 1):
        chars[i] = r.choice(LEET[chars[i]])
    if w.endswith("s") and r.random() < 0.3:
        chars[-1] = "$"
    return "".join(chars)


def masked(r, w):
    if len(w) < 4:
        return None
    inner = list(range(1, len(w) - 1))
    k = r.choice([1, 1, 2, min(3, len(inner))])
    chars = list(w)
    if r.random() < 0.15 and 4 <= len(w) <= 8:  # the first letter alone: f***, w*****
        return w[0] + "*" * (len(w) - 1)
    if r.random() < 0.3 and len(w) >= 6:  # a run of masks: m***erfucker
        start = r.randint(1, len(w) - 4)
        for i in range(start, start + 3):
            chars[i] = "*"
    elif r.random() < 0.15 and len(w) >= 4:  # the last letters masked: sh**, bi***
        for i in range(len(w) - r.randint(1, min(3, len(w) - 2)), len(w)):
            chars[i] = "*"
    else:
        for i in r.sample(inner, k=min(k, len(inner))):
            chars[i] = r.choice("*#%")
    return "".join(chars)


def separated(r, w):
    sep = r.choice([" ", ".", "-", "*", "_"])
    chars = list(w)
    if r.random() < 0.25:  # a stretched letter inside
        i = r.randrange(len(chars))
        chars[i] = chars[i] * r.randint(2, 3)
        chars = list("".join(chars))
    return sep.join(chars)


def stretched(r, w):
    vowels = [i for i, c in enumerate(w) if c in "aeiou"] or [len(w) - 1]
    i = r.choice(vowels)
    return w[:i] + w[i] * r.randint(3, 6) + w[i + 1:]


def lookalike(r, w):
    chars = list(w)
    positions = [i for i, c in enumerate(chars) if c in LOOKALIKE]
    if not positions:
        return None
    for i in r.sample(positions, k=min(len(positions), r.randint(1, 2))):
        chars[i] = r.choice(LOOKALIKE[chars[i]])
    return "".join(chars)


def math_letters(r, w):
    base = r.choice(MATH_STYLES)
    out = []
    for c in w:
        cp = base + ord(c) - 0x61
        out.append(chr(cp) if unicodedata.name(chr(cp), "") else c)
    return "".join(out)


def fullwidth(r, w):
    return "".join(chr(ord(c) - 0x61 + 0xFF41) for c in w)


def superscript(r, w):
    chars = list(w)
    positions = [i for i, c in enumerate(chars) if c in SUPERSCRIPT]
    if not positions:
        return None
    for i in r.sample(positions, k=min(len(positions), r.randint(1, 2))):
        chars[i] = SUPERSCRIPT[chars[i]]
    return "".join(chars)


def diacritics(r, w):
    out = []
    for c in w:
        out.append(c)
        if c.isalpha() and r.random() < 0.5:
            out.extend(r.sample(COMBINING, k=r.randint(1, 2)))
    return unicodedata.normalize(r.choice(["NFC", "NFD"]), "".join(out))


def zero_width(r, w):
    i = r.randint(1, len(w) - 1)
    return w[:i] + r.choice(ZERO_WIDTH) + w[i:]


def split(r, w):
    """One ., - or _ inside the word, each piece four characters or fewer: f.uck, sh-it, bol_locks is too long."""
    if len(w) < 3 or len(w) > 8:
        return None
    at = r.randint(max(1, len(w) - 4), min(4, len(w) - 1))
    return w[:at] + r.choice([".", "-", "_"]) + w[at:]


def upper(r, w):
    return w.upper() if r.random() < 0.6 else w.capitalize()


CLASSES = {"plain": lambda r, w: w, "leet": leet, "masked": masked, "separated": separated, "stretched": stretched,
           "lookalike": lookalike, "math": math_letters, "fullwidth": fullwidth, "superscript": superscript,
           "diacritics": diacritics, "zero-width": zero_width, "upper": upper, "split": split}

FRAMES = [
    "The wait for {service} was {w} ridiculous, six months for a scan.",
    "Honestly the receptionist was a {w} and my mum left in tears.",
    "What a load of {w}, they cancelled my {service} appointment again.",
    "I told the manager his excuses were {w}.",
    "{w} this booking system, it logged me out three times.",
    "The {profession} was lovely but the parking is {w}.",
    "Some {w} in a van blocked the ambulance bay.",
    "My son was called a {w} by another patient in the waiting room and nobody said anything.",
    "Absolute {w}, nobody answered the phone for a week.",
]
SERVICES = ["physiotherapy", "podiatry", "speech therapy", "the MSK clinic", "radiography", "occupational therapy"]
PROFESSIONS = ["physio", "podiatrist", "radiographer", "paramedic", "speech therapist", "dietitian"]
CLEAN = [
    "We parked by Ward F off the main corridor.", "My grandad kept a cow and two pigs on his smallholding.",
    "Form F, you see, is the one for travel costs.",
    "The rectal examination was explained carefully and I felt respected.",
    "I was referred to the breast clinic and seen within two weeks.",
    "My anal fissure was treated by the colorectal team at Scunthorpe General.",
    "My daughter has spastic cerebral palsy and the physio has been wonderful.",
    "He has spastic diplegia and uses a walking frame at school.",
    "I had a bloody stool for a week before anyone took me seriously.",
    "The paramedics stopped a bloody nose that would not stop for an hour.",
    "Bloody diarrhoea is frightening and the nurse on 111 was calm.",
    "A finger prick test every morning for my diabetes.",
    "We drove from Penistone to Cockermouth for the specialist.",
    "The clinic near Cockfosters station has step-free access.",
    "Shitterton in Dorset has no bus to the hospital.",
    "Dick Smith, the podiatrist, retired last year and is missed.",
    "My grandad watched Dick Van Dyke films in the day room.",
    "Mr Van Dyke on ward 4 taught me the exercises.",
    "Dr Libshitz explained the scan results.",
    "I read Dickens while I waited for the X-ray.",
    "The health secretary Matt Hancock visited once.",
    "The cocktail of painkillers made me drowsy.",
    "A peacock walks round the hospital grounds.",
    "The door knob on the physio room was broken for months.",
    "My knees are knobbly but the exercises help.",
    "He gave me a cock-eyed look when I asked about the wait.",
    "The assessment in Essex took two hours.",
    "The class for pelvic floor exercises was useful.",
    "My therapist helped me pass my driving assessment.",
    "The cockpit simulator in the rehab gym was fun for my son.",
    "Spasticity in his left arm has improved with splints.",
    "The Titanic exhibition is near the hospital in Belfast.",
    "I saw blue tits on the feeder outside the stroke unit.",
    "We walked along Offa's Dyke path as part of my rehab.",
    "The chink of light under the door kept me awake.",
    "Faggots and peas were on the hospital menu.",
    "Her Scunthorpe accent made the session fun.",
    "My speech therapist is called Dick and he is great.",
    "Cock Lane surgery has a new podiatrist.",
    "The pen is on the desk next to the consent form.",
    "I had a hancock of a day, nothing went right.",
    "The analysis of my gait was thorough.",
    "Arsenal were on the TV in the waiting room.",
    "The shiitake soup in the canteen was nice.",
    "Bassett Road clinic is now closed.",
    "We met Mr Cockburn, the orthotist.",
    "The cockles stall near the clinic in Southend was closed.",
    "I needed a pessary fitted and the nurse was kind.",
    "The sussex team were very helpful.",
    "It felt like we had been to hell and back with his referral.",
    "King Cnut's statue is near the hospital car park.",
    "The bleeding stopped after an hour and the nurse was calm.",
    "Parking went up 50% and the leaflet* (*see the back page) never said so.",
    # Added stop 34, from a fifth hand-written set's clean lines.
    "The nurse said I'd feel a small prick and then it was over.",
    "You will feel a sharp prick, said the phlebotomist.",
    "We stayed at the Cock Inn near the hospital the night before surgery.",
    "The knob on the TENS machine was broken so I couldn't change the setting.",
    "Turn the knob on the side to raise the bed.",
    # Added stop 35, from a tenth hand-written set: names withheld, grades, a needle.
    "Mr B*** the physio was lovely but I won't give his full name.",
    "My physio J*** was brilliant with my son.",
    "I got a prick of the needle and then it was over.",
    "She got an A* in her exams despite the hospital stays.",
]


def swearing_item(r, index):
    frame = r.choice(FRAMES)
    if r.random() < 0.22:
        word = r.choice(list(CONTEXT_WORDS))
        sentence = r.choice(CONTEXT_WORDS[word])
        cls = "context-word"
        start = re.search(r"\b" + word, sentence.lower()).start()
        form = sentence[start:start + len(word)]
        if r.random() < 0.3:
            disguised = CLASSES[r.choice(["leet", "masked", "lookalike", "upper"])](r, form.lower()) or form
            sentence = sentence[:start] + disguised + sentence[start + len(word):]
            form = disguised
            cls = "context-word+disguised"
        text = r.choice(["I want to complain. ", "", "Overall the care was fine. "]) + sentence
        offset = text.index(sentence) + start
        return {"id": f"prof-{index}", "text": text, "swears": True, "words": [word], "classes": [cls],
                "spans": [[offset, offset + len(form)]]}
    severity = r.choices([MILD, STRONG, SLURS], weights=[35, 45, 20])[0]
    word = r.choice(severity)
    names = r.choice([["plain"], ["leet"], ["masked"], ["separated"], ["stretched"], ["lookalike"], ["math"],
                      ["fullwidth"], ["superscript"], ["diacritics"], ["zero-width"], ["upper"],
                      ["leet", "separated"], ["lookalike", "separated"], ["masked", "upper"], ["stretched", "leet"],
                      ["split"], ["split", "upper"]])
    disguised = word
    for name in names:
        result = CLASSES[name](r, disguised if name not in ("separated",) else disguised)
        if result is None:
            continue
        disguised = result
    before, after = frame.split("{w}")
    before = before.format(service=r.choice(SERVICES), profession=r.choice(PROFESSIONS))
    after = after.format(service=r.choice(SERVICES), profession=r.choice(PROFESSIONS))
    text = before + disguised + after
    start = len(before)
    return {"id": f"prof-{index}", "text": text, "swears": True, "words": [word], "classes": ["+".join(names)],
            "spans": [[start, start + len(disguised)]]}


def clean_item(r, index):
    sentences = r.sample(CLEAN, k=r.randint(1, 3))
    return {"id": f"prof-{index}", "text": " ".join(sentences), "swears": False, "words": [], "classes": ["clean"],
            "spans": []}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=3000)
    args = parser.parse_args()
    r = random.Random(args.seed)
    for i in range(args.count):
        item = swearing_item(r, i) if r.random() < 0.5 else clean_item(r, i)
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
