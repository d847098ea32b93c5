#!/usr/bin/env python3
"""Builds the name gazetteers and the common-word list under rules/pii/ from public sources.

    pip download --no-deps -d /tmp/src names faker gender-guesser   # from PyPI
    apt-get install wbritish                          # /usr/share/dict/british-english
    scripts/rules/build_name_lists.py /tmp/src

Sources and licences (each output file names its own in its header):
  * US Census Bureau 1990 first-name and surname frequency lists (public domain), as shipped
    in the `names` package on PyPI: 5,494 first names, the 60,000 most frequent surnames.
    The US population includes most communities the UK has.
  * Faker's person providers (MIT licence) for the UK, Ireland, India, Pakistan, Nigeria
    (English, Yoruba, Igbo, Hausa), Ghana, Kenya, South Africa, Poland, Romania, Lithuania,
    Slovakia, Czechia, Hungary, Portugal, Italy, Spain, France, Germany and Turkey: Latin-script
    first names and surnames.
  * Hand-added (rules/pii/names-extra.txt, CC0): Welsh, Scottish Gaelic, Irish, Sikh and
    Punjabi, Bangladeshi, Somali, Chinese (pinyin and Cantonese), Vietnamese, Arabic and Persian
    names that those lists lack.
  * gender-guesser's copy of Jörg Michael's first-name dictionary (nam_dict.txt, GNU FDL 1.2):
    the first names it gives a frequency in the UK, Ireland, or a country with a community in
    the UK (South Asia, the Arab world and Iran, China, Vietnam, Turkey, the EU's east and
    south, the Balkans, Ukraine and Russia), that the lists above lack and that are no English
    word or proper noun (SCOWL) nor a listed place: written apart, to first-names-world.txt,
    under the FDL (COPYING.GFDL-1.2 beside it).
  * SCOWL's British English word list (wbritish; permissive, Kevin Atkinson) for the
    lower-case English words (common-words.txt), which make a capitalised word ambiguous.
"""
import glob
import importlib
import io
import os
import sys
import tarfile
import unicodedata
import zipfile

LOCALES = ["en_GB", "en_IE", "ga_IE", "en_IN", "en_PK", "en_NG", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "en_KE",
           "zu_ZA", "pl_PL", "ro_RO", "lt_LT", "sk_SK", "cs_CZ", "hu_HU", "pt_PT", "it_IT", "es_ES", "fr_FR",
           "de_DE", "tr_TR"]


def latin(word):
    return all(unicodedata.name(c, "").startswith("LATIN") or c in "'’-" for c in word)


def main(source):
    root = os.path.dirname(os.path.abspath(__file__)) + "/../../rules/pii"
    with tarfile.open(glob.glob(source + "/names-*.tar.gz")[0]) as archive:
        def census(name):
            member = next(m for m in archive.getmembers() if m.name.endswith(name))
            return [line.split()[0].lower() for line in io.TextIOWrapper(archive.extractfile(member), encoding="ascii")]
        first = set(census("dist.male.first")) | set(census("dist.female.first"))
        surnames = set(census("dist.all.last")[:60000])
    faker_dir = "/tmp/faker-src"
    with zipfile.ZipFile(glob.glob(source + "/faker-*.whl")[0]) as wheel:
        wheel.extractall(faker_dir)
    sys.path.insert(0, faker_dir)
    for locale in LOCALES:
        provider = importlib.import_module("faker.providers.person." + locale).Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            for name in getattr(provider, attribute, ()):
                for part in name.split():
                    if latin(part) and len(part) > 1:
                        first.add(part.lower())
        last = getattr(provider, "last_names", ())
        for name in (last.keys() if isinstance(last, dict) else last):
            if latin(name) and len(name) > 1 and " " not in name:
                surnames.add(name.lower())
    extra_first, extra_surnames = set(), set()
    section = None
    for line in open(root + "/names-extra.txt", encoding="utf-8"):
        line = line.strip()
        if line.startswith("[first]"):
            section = extra_first
        elif line.startswith("[surnames]"):
            section = extra_surnames
        elif line and not line.startswith("#") and section is not None:
            section.update(w.lower() for w in line.split())
    first |= extra_first
    surnames |= extra_surnames
    words = set()
    for line in open("/usr/share/dict/british-english", encoding="utf-8"):
        word = line.strip()
        if word.isalpha() and word == word.lower() and word.isascii():
            words.add(word)
    world = world_names(source, first, notnames(root))
    header = "# {what}. One a line, lower case. Source: {source}. Built by scripts/rules/build_name_lists.py; do not edit by hand.\n"
    census_src = "US Census Bureau 1990 name lists (public domain), Faker person providers (MIT) for %d locales, rules/pii/names-extra.txt (CC0)" % len(LOCALES)
    with open(root + "/first-names.txt", "w", encoding="utf-8") as out:
        out.write(header.format(what="First names for PERSON_NAME (%d)" % len(first), source=census_src))
        out.write("\n".join(sorted(first)) + "\n")
    with open(root + "/surnames.txt", "w", encoding="utf-8") as out:
        out.write(header.format(what="Surnames for PERSON_NAME (%d)" % len(surnames), source=census_src))
        out.write("\n".join(sorted(surnames)) + "\n")
    with open(root + "/common-words.txt", "w", encoding="utf-8") as out:
        out.write(header.format(what="Lower-case English words (%d): a capitalised one is ambiguous as a name" % len(words),
                                source="SCOWL British English word list via Debian's wbritish (permissive: Copyright 2000-2011 Kevin Atkinson, see its copyright file)"))
        out.write("\n".join(sorted(words)) + "\n")
    with open(root + "/first-names-world.txt", "w", encoding="utf-8") as out:
        out.write(header.format(what="More first names for PERSON_NAME (%d), those first-names.txt lacks" % len(world),
                                source="nam_dict.txt, Copyright (c) 2007-2008 Jörg Michael, as shipped in gender-guesser 0.4.0 on PyPI; "
                                       "GNU Free Documentation License 1.2 (COPYING.GFDL-1.2); this selection is released under the same licence"))
        out.write("\n".join(sorted(world)) + "\n")
    print(f"first names {len(first)} and {len(world)} more, surnames {len(surnames)}, common words {len(words)}")


# Columns of nam_dict.txt's frequencies (from its header) for the UK and the countries of its larger communities.
NAM_DICT_COUNTRIES = {"Great Britain": 0, "Ireland": 1, "Italy": 3, "Portugal": 5, "Spain": 6, "France": 7, "Germany": 12,
                      "Latvia": 21, "Lithuania": 22, "Poland": 23, "Czech Republic": 24, "Slovakia": 25, "Hungary": 26,
                      "Romania": 27, "Bulgaria": 28, "Kosovo": 31, "Albania": 36, "Greece": 37, "Russia": 38, "Ukraine": 41,
                      "Turkey": 46, "Arabia/Persia": 47, "China": 49, "India/Sri Lanka": 50, "Vietnam": 53}
# Names in the dictionary that are shops, brands, places or a syndrome's eponym in British text.
NAM_DICT_LEFT_OUT = {"aldi", "huawei", "siri", "guillain", "gwynedd", "cavan"}


def notnames(root):
    return {line.strip().lower() for line in open(root + "/not-names.txt", encoding="utf-8") if line.strip() and not line.startswith("#")}


def world_names(source, listed, places):
    """First names from nam_dict.txt (see the module's docstring) that `listed` lacks."""
    with zipfile.ZipFile(glob.glob(source + "/gender_guesser-*.whl")[0]) as wheel:
        text = wheel.read("gender_guesser/data/nam_dict.txt").decode("utf-8")
    scowl = {line.strip().lower() for line in open("/usr/share/dict/british-english", encoding="utf-8")}
    names = set()
    for line in text.splitlines():
        # '#' comments, '=' equivalences; a '+' in column 30 marks a line repeated for sorting.
        if line.startswith(("#", "=")) or (len(line) > 29 and line[29] == "+"):
            continue
        frequencies = line[30:85]
        if not any(column < len(frequencies) and frequencies[column].strip() for column in NAM_DICT_COUNTRIES.values()):
            continue
        # '+' joins the parts of an Arabic, Chinese or Korean name: written together or with a hyphen.
        written = line[3:29].strip()
        for name in {written.replace("+", ""), written.replace("+", "-")}:
            word = name.lower()
            if (latin(name) and len(word) >= 3 and word not in listed and word not in scowl and word not in places
                    and word not in NAM_DICT_LEFT_OUT):
                names.add(unicodedata.normalize("NFC", word))
    return names


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/src")
