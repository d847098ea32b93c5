#!/usr/bin/env python3
"""Generates labelled contributions for measuring the PII plugin on text it was not written from.

    scripts/eval/pii_corpus.py --seed 2 --count 6000 > /tmp/pii-seed2.jsonl
    swift run -c release gatehouse-bench pii-eval --file /tmp/pii-seed2.jsonl

The specification (docs/eval/pii.md) was written before the rules were tuned, from how people
write to a listening exercise about the allied health professions, not from the rules:

* Realistic health-service text: physiotherapy, podiatry, radiography, speech and language
  therapy, paramedics, occupational therapy, dietetics; waits, referrals, wards, clinics.
* Names from the whole UK population (English, Welsh, Scottish, Irish, South Asian, African,
  Caribbean, Eastern European, Chinese, Middle Eastern) from this file's own lists, plus
  made-up names that no list holds, with O', Mc/Mac, hyphens and accents; in sign-offs (with
  and without a cue word, alone on the last line), after "complained to", "thanks to",
  relations and roles, "the service manager, ___", titles; first names alone; lower-case
  messages with lower-case names; messages in capitals, the first word sometimes not.
* Every written form of every identifier: spaced, unspaced, dashed, lower-case, with and
  without a cue word; TRNs; IPv6 with embedded IPv4 and prefix lengths; +44 (20) forms; NI
  numbers copied from a specimen or test data (QQ, ZZ) or with the last letter left off; the
  writer's own number on an 0800 or 03 line or mistyped a digit short or long; house numbers
  and streets whatever the street's last word (Highway, Wynd, Paddocks); NHS and card numbers
  written from memory after the words that name them, a digit wrong (check digit failing).
* Hard negatives in clean text: times, prices, ward and bed numbers, reference numbers with a
  wrong check digit, version and section numbers, hospital, ward and street names that contain
  a person's name, eponymous conditions, drugs, professions, days and months, places, and
  organisation contacts (PALS mailboxes, shared nhs.net inboxes, 0300/0345/0800 helplines),
  which analysts want kept.

Output, one JSON object a line:
  {"id", "text", "pii": [{"category", "start", "end", "value", "form"}], "traps": [...]}
start/end are Unicode code point offsets, end-exclusive. "traps" names the hard negatives
the item carries (for reading failures), not labels.
"""
import argparse
import json
import random
import string
import sys

# ---------------------------------------------------------------------------------------------
# Names. Written for this generator; not read from the rule packs.
# ---------------------------------------------------------------------------------------------
FIRST = {
    "english": """Oliver Amelia Jack Isla Harry Ava George Emily Noah Sophie Charlie Grace Jacob Lily
        Thomas Ella Alfie Chloe Joshua Poppy James Jessica William Evie Daniel Hannah Matthew Lucy
        Samuel Megan Benjamin Rebecca Ryan Laura Luke Rachel Adam Gemma Craig Kerry Darren Tracey
        Wayne Sharon Gary Karen Keith Julie Nigel Lorraine Trevor Maureen Derek Brenda Colin
        Pauline Barry Jacqueline Graham Sandra Stuart Denise Dennis Gillian Clive Marjorie Reginald
        Doreen Cyril Edna Harold Beryl Stanley Gladys Arthur Dorothy Albert Ethel Danny Becky Kayleigh
        Jodie Shane Dean Leanne Kelly Stacey Nathan Jade Bradley Chelsea Callum Courtney Liam
        Jasmine Tyler Amber Rhiannon Kieran Abigail Josh Mia Freddie Harriet Rupert Imogen Giles
        Penelope Hugo Felicity Tristan Phoebe Jeremy Rosalind Percy Mabel Bernard Winifred Norman
        Vera Malcolm Sheila Roy Joan Ronald Irene Kenneth Elsie Frank Hilda Philip Margaret""",
    "welsh": """Rhys Cerys Dafydd Siân Gethin Bethan Iwan Ffion Llinos Emyr Gwen Aled Nia Owain
        Eleri Huw Carys Ieuan Seren Gareth Angharad Bryn Catrin Dylan Elin Geraint Heledd Idris
        Lowri Meinir Rhiannon Tegwen Wyn Alun Delyth Glyn Mared Osian Sioned Tomos Eirlys""",
    "scottish": """Hamish Morag Eilidh Ailsa Fraser Callum Kirsty Mhairi Alasdair Struan Iona
        Catriona Fergus Lachlan Euan Kenzie Ruaridh Shona Murdo Innes Finlay Rhona Ishbel Torquil
        Seonaid Angus Moira Calum Greer Lorna Douglas Morven Gregor Isobel""",
    "irish": """Siobhán Niamh Aoife Ciarán Oisín Saoirse Pádraig Caoimhe Eoin Sinéad Róisín
        Darragh Orla Cillian Clodagh Fiachra Gráinne Tadhg Aisling Declan Bríd Colm Máire Seán
        Éamon Dervla Cathal Nuala Ronan Fionnuala Ruairí Deirdre Padraic Una""",
    "south_asian": """Priya Sanjay Mohammed Muhammad Fatima Aisha Gurpreet Harpreet Rajesh Anjali
        Deepak Sunita Imran Ayesha Zainab Arjun Kiran Manpreet Jaswinder Rupinder Navdeep Farhan
        Nusrat Shabana Tahir Shahid Bilal Nadia Ravi Lakshmi Parveen Rehana Sukhvinder Amarjit
        Rohan Divya Sangeeta Vikram Asif Samina Humaira Abdul Yasmin Anil Meena Jagdish Kamala
        Rizwan Shazia Tariq Nasreen Hardeep Balwinder Sunil Pooja Aarav Ishaan Anaya Saanvi""",
    "african_caribbean": """Chidi Ngozi Oluwaseun Kwame Abena Folake Adaeze Chinedu Tunde Funmilayo
        Kofi Ama Yaw Efua Babajide Temitope Chiamaka Obinna Emeka Nkechi Ifeanyi Adebayo Olumide
        Yetunde Amara Abdi Hodan Faduma Mahamed Ayaan Tendai Tatenda Chipo Thabo Sipho Zanele
        Kwabena Akosua Ebere Uchenna Delroy Marcia Winston Beverley Leroy Claudette Errol Hyacinth
        Desmond Pearline Tyrone Shanice Jermaine Precious Blessing Godfrey""",
    "eastern_european": """Agnieszka Katarzyna Tomasz Andrzej Małgorzata Krzysztof Piotr Magdalena
        Łukasz Wojciech Joanna Paweł Vasile Ionela Mihai Andreea Elena Cristina Bogdan Gheorghe
        Jurgita Tomas Rasa Jānis Ilze Dmitri Olena Oksana Volodymyr Yulia Zuzana Jiří Petra Lenka
        Marek Dragan Milica Nikola Stanislav Svetlana Grzegorz Dorota Ewelina Radosław Iulia
        Florin Violeta Aurelia""",
    "chinese": """Wei Mei Xiaoming Jun Hui Jing Yan Ming Lei Xin Ying Fang Hao Zhen Chun Wing Ling
        Xiuying Zihan Yutong Haoran Jiayi Qiang Yong Lihua Xiaoling Kai Shu""",
    "middle_eastern": """Omar Yusuf Layla Mariam Hassan Reza Shirin Dariush Kemal Ayşe Mehmet Elif
        Emre Zeynep Karim Rania Samir Dalia Farid Leila Mustafa Noor Hamza Yasmeen Ahmad Hiba""",
}
SURNAMES = {
    "english": """Smith Jones Taylor Brown Wilson Evans Thomas Johnson Roberts Walker Wright
        Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke
        Turner Hill Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Young Allen
        Mitchell Anderson Phillips Bell Parker Davis Fletcher Ashworth Ramsbottom Pickering
        Longbottom Higginbotham Featherstone Entwistle Sutcliffe Hargreaves Butterworth Whitehead
        Atkinson Barraclough Crossley Dobson Heseltine Kettlewell Oldroyd Pennington Shufflebottom
        Thistlethwaite Wolstenholme Blenkinsop Cholmondeley Fanshawe Pemberton Winterbottom""",
    "welsh": """Davies Williams Griffiths Price Pritchard Pugh Powell Bowen Llewellyn Prosser
        Vaughan Gwilliam Jenkins Rees Parry Howells Meredith Owen Lloyd Bevan Gittins Probert""",
    "scottish": """MacDonald McLeod Campbell Stewart MacKenzie Robertson Fraser Murray McGregor
        Sinclair Buchanan Cameron Drummond Ferguson Gillespie McIntyre McKay Munro Ross Urquhart
        Wallace Baird Crichton Dalgleish Lamont MacLennan McAllister Sutherland Menzies""",
    "irish": """O'Brien O'Sullivan Murphy Kelly O'Neill Byrne Ryan Doyle McCarthy Gallagher Quinn
        Brennan Fitzgerald Kavanagh Flanagan O'Reilly Costello Mulligan O'Connor Ó Súilleabháin
        Ó Briain Mac Giolla Phádraig Ó Dónaill Nic Aodha Ní Bhriain McGuinness O'Donoghue""",
    "south_asian": """Patel Khan Shah Singh Kaur Ahmed Hussain Begum Ali Akhtar Chaudhry Iqbal Malik
        Mistry Sharma Gupta Kumar Rahman Uddin Choudhury Mahmood Bibi Rana Sandhu Gill Dhillon
        Bains Sidhu Parmar Chauhan Desai Joshi Nair Pillai Reddy Islam Miah Hossain Qureshi
        Siddiqui Bhatti Sahota Johal Grewal Thakkar Vaghela""",
    "african_caribbean": """Okafor Adeyemi Okonkwo Mensah Owusu Boateng Asante Oyelaran Adebayo Okoro
        Nwosu Eze Obi Ogunleye Afolabi Balogun Olatunji Abubakar Mohamed Warsame Farah Osman
        Mohamud Moyo Ndlovu Dube Chikwanha Kamara Sesay Bangura Koroma Appiah Darko Agyeman
        Chukwu Nnamdi Campbell-Brown Reid Grant Francis Samuels McKenzie Thomas-Clarke""",
    "eastern_european": """Kowalski Nowak Wiśniewska Wójcik Kowalczyk Kamiński Lewandowski Zieliński
        Szymańska Woźniak Dąbrowski Kozłowski Popescu Ionescu Popa Dumitru Munteanu Kazlauskas
        Petrauskienė Bērziņš Ozola Kovalenko Shevchenko Bondarenko Tkachenko Novák Svoboda Dvořák
        Horváth Nagy Petrović Jovanović Ivanova Smirnov Kuznetsova Grabowski Jankowska""",
    "chinese": """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Zhu Hu Guo Lin Gao Luo Chan
        Wong Cheung Lau Leung Ng Yip Tsang Chow Kwok Lam Tang Fung""",
    "middle_eastern": """Haddad Hosseini Karimi Yilmaz Demir Kaya Öztürk Al-Sayed El-Amin Nasser
        Rahimi Mansour Khalil Aziz Haidari Jafari Sabbagh bin_Abdullah al-Rahman el-Sayed""",
}
# Surnames with two particles (stop 34, from a hand-written set): British people of Dutch,
# Portuguese and Spanish families.
SURNAMES["english"] += " van_der_Berg van_den_Broek de_la_Cruz dos_Santos de_Souza da_Silva"
# Short forms people are called by at work (stop 34, from hand-written sets: `Ash did my scan`).
FIRST["english"] += " Ash Stu Gav Col Nat Paddy Izzy Jaz Becs Deano"
FIRST = {k: v.split() for k, v in FIRST.items()}
# Two-word surnames (Ó Súilleabháin, Mac Giolla Phádraig) are kept whole.
SURNAMES = {k: [s.replace("_", " ") for s in v.replace("Ó Súilleabháin", "Ó_Súilleabháin").replace(
    "Ó Briain", "Ó_Briain").replace("Mac Giolla Phádraig", "Mac_Giolla_Phádraig").replace(
    "Ó Dónaill", "Ó_Dónaill").replace("Nic Aodha", "Nic_Aodha").replace("Ní Bhriain", "Ní_Bhriain").split()]
    for k, v in SURNAMES.items()}
COMMUNITY_WEIGHTS = {"english": 30, "welsh": 6, "scottish": 7, "irish": 7, "south_asian": 14,
                     "african_caribbean": 11, "eastern_european": 10, "chinese": 6, "middle_eastern": 6}


def made_up_first(r):
    """A name no list holds: two or three syllables."""
    onsets = ["B", "D", "K", "L", "M", "N", "R", "S", "T", "V", "Z", "Sh", "Th", "J", "Br", "Kr", "El", "Al", "An", "Or"]
    vowels = ["a", "e", "i", "o", "ay", "ee", "ia", "ou"]
    codas = ["n", "l", "r", "s", "th", "na", "la", "ra", "nne", "lle", "sha", "ric", "ton", "ian", "elle"]
    return r.choice(onsets) + r.choice(vowels) + r.choice(["", "r", "l", "v", "k", "m"]) + r.choice(codas)


def made_up_surname(r):
    heads = ["Ash", "Black", "Brook", "Cold", "Fair", "Hol", "Marl", "Pen", "Stan", "Thorn", "Wold", "Whit",
             "Brad", "Crank", "Dunn", "Garr", "Hask", "Kell", "Mab", "Quen", "Rad", "Selb", "Tull", "Wend"]
    tails = ["bury", "by", "combe", "den", "field", "ford", "ham", "hurst", "ley", "ton", "well", "worth",
             "ington", "stone", "wick", "more", "lake", "sett"]
    return r.choice(heads) + r.choice(tails)


def pick_person(r):
    """(first, surname, how): how is 'listed' or 'made-up'."""
    if r.random() < 0.18:
        return made_up_first(r), made_up_surname(r), "made-up"
    community = r.choices(list(COMMUNITY_WEIGHTS), weights=list(COMMUNITY_WEIGHTS.values()))[0]
    first = r.choice(FIRST[community])
    # Mixed heritage and marriage: a surname from another community now and then.
    surname_community = community if r.random() < 0.8 else r.choice(list(SURNAMES))
    surname = r.choice(SURNAMES[surname_community])
    if r.random() < 0.05:
        surname = surname + "-" + r.choice(SURNAMES[r.choice(list(SURNAMES))])
    return first, surname, community


# ---------------------------------------------------------------------------------------------
# Identifiers, each valid by its own rule, in every written form.
# ---------------------------------------------------------------------------------------------
def nhs_number(r, valid=True):
    while True:
        digits = [r.randint(0, 9) for _ in range(9)]
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check == 10:
            continue
        if not valid:
            check = (check + r.randint(1, 9)) % 10
            # make sure it's really invalid
            if check == (11 - total % 11) % 11:
                continue
        s = "".join(map(str, digits)) + str(check)
        if s[0] == "0":
            continue
        return s


def spaced_reference(r):
    """A 3-3-4 reference number that is not a valid NHS number (its check digit fails)."""
    s = nhs_number(r, valid=False)
    return f"{s[:3]} {s[3:6]} {s[6:]}"


def nhs_forms(r, s):
    form = r.choice(["spaced", "spaced", "plain", "dashed", "dotted"])
    if form == "spaced":
        return f"{s[:3]} {s[3:6]} {s[6:]}", form
    if form == "dashed":
        return f"{s[:3]}-{s[3:6]}-{s[6:]}", form
    if form == "dotted":  # stop 34, from a hand-written set
        return f"{s[:3]}.{s[3:6]}.{s[6:]}", form
    return s, form


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino(r):
    while True:
        prefix = r.choice(NINO_FIRST) + r.choice(NINO_SECOND)
        if prefix not in NINO_BAD_PREFIXES:
            break
    digits = "".join(str(r.randint(0, 9)) for _ in range(6))
    suffix = r.choice("ABCD")
    if r.random() < 0.1:
        # A number copied from a form's specimen or test data (QQ 12 34 56 C, ZZ 12 34 56 T),
        # or with its last letter left off: no valid prefix or suffix, still someone's.
        kind = r.choice(["QQ", "ZZ", "nosuffix"])
        if kind == "nosuffix":
            return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]}" if r.random() < 0.5 else prefix + digits, "specimen-nosuffix"
        return (f"{kind} {digits[:2]} {digits[2:4]} {digits[4:]} {r.choice('ABCDT')}" if r.random() < 0.5
                else f"{kind}{digits}{r.choice('ABCDT')}"), "specimen-" + kind
    form = r.choice(["plain", "pairs", "pairs", "split", "plain"])
    if form == "plain":
        s = prefix + digits + suffix
    elif form == "pairs":
        s = f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    else:
        s = f"{prefix} {digits} {suffix}"
    if r.random() < 0.3:
        s, form = s.lower(), form + "-lower"
    return s, form


def trn(r):
    digits = [str(r.randint(0, 9)) for _ in range(7)]
    letter = r.choice(string.ascii_uppercase)
    if r.random() < 0.5:
        return "".join(digits[:2]) + letter + "".join(digits[2:]), "trn-plain"
    return f"{''.join(digits[:2])} {letter} {''.join(digits[2:5])} {''.join(digits[5:])}", "trn-spaced"


def mobile(r):
    # 07 then 9 digits: 071-075 and 077-079 are mobiles (076 is pagers).
    number = "7" + r.choice("1234579") + "".join(str(r.randint(0, 9)) for _ in range(8))
    form = r.choice(["spaced", "plain", "intl", "intl0", "0044", "dashed"])
    if form == "spaced":
        return f"0{number[:4]} {number[4:]}", "mobile-" + form
    if form == "plain":
        return f"0{number}", "mobile-" + form
    if form == "intl":
        return f"+44 {number[:4]} {number[4:]}", "mobile-" + form
    if form == "intl0":
        return f"+44 (0){number[:4]} {number[4:]}", "mobile-" + form
    if form == "0044":
        return f"0044 {number[:4]} {number[4:]}", "mobile-" + form
    return f"0{number[:4]}-{number[4:7]}-{number[7:]}", "mobile-" + form


def landline(r):
    kind = r.choice(["london", "city", "area", "area5", "ni"])
    d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))
    if kind == "london":
        local = r.choice("378") + d(7)
        forms = [f"020 {local[:4]} {local[4:]}", f"(020) {local[:4]} {local[4:]}", f"+44 20 {local[:4]} {local[4:]}",
                 f"+44 (20) {local[:4]} {local[4:]}", f"020{local}", f"+44 (0)20 {local[:4]} {local[4:]}"]
    elif kind == "city":
        code = r.choice(["0113", "0114", "0115", "0116", "0117", "0118", "0121", "0131", "0141", "0151", "0161", "0191"])
        local = r.choice("2345789") + d(6)
        forms = [f"{code} {local[:3]} {local[3:]}", f"({code}) {local[:3]} {local[3:]}", f"{code}{local}",
                 f"+44 {code[1:]} {local[:3]} {local[3:]}"]
    elif kind == "area":
        code = "01" + r.choice("2345679") + d(2)
        local = r.choice("2345789") + d(5)
        forms = [f"{code} {local}", f"({code}) {local}", f"{code}{local}", f"{code} {local[:3]} {local[3:]}"]
    elif kind == "area5":
        code = r.choice(["016977", "013873", "015242", "017683"])
        local = r.choice("2345") + d(3 if code == "016977" else 4)
        forms = [f"{code} {local}", f"{code}{local}"]
    else:
        local = r.choice("79") + d(7)
        forms = [f"028 {local[:4]} {local[4:]}", f"028{local}"]
    return r.choice(forms), "landline-" + kind


def org_phone(r):
    d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))
    prefix = r.choice(["0300", "0300", "0345", "0800", "0808", "0333", "0845", "0344"])
    return r.choice([f"{prefix} {d(3)} {d(4)}", f"{prefix} {d(7)}", f"{prefix}{d(7)}"])


POSTCODE_AREAS = ["AB", "B", "BA", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM", "CO", "CR",
                  "CT", "CV", "CW", "DA", "DD", "DE", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX", "FK",
                  "FY", "G", "GL", "GU", "HA", "HD", "HG", "HP", "HR", "HU", "HX", "IG", "IP", "IV", "KA", "KT", "KW",
                  "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN",
                  "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE",
                  "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ",
                  "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"]


def postcode(r):
    area = r.choice(POSTCODE_AREAS)
    district = str(r.randint(1, 29 if len(area) == 2 else 40))
    if area in ("EC", "WC", "SW", "W", "E", "N") and r.random() < 0.2:
        district = str(r.randint(1, 9)) + r.choice("ABCHMNPRVWXY")
    inward = str(r.randint(0, 9)) + r.choice("ABDEFGHJLNPQRSTUWXYZ") + r.choice("ABDEFGHJLNPQRSTUWXYZ")
    form = r.choice(["spaced", "spaced", "spaced", "plain", "lower", "lower-plain"])
    s = f"{area}{district} {inward}" if form in ("spaced", "lower") else f"{area}{district}{inward}"
    if form.startswith("lower"):
        s = s.lower()
    return s, form


def luhn_complete(prefix, length, r):
    digits = [int(c) for c in prefix] + [r.randint(0, 9) for _ in range(length - len(prefix) - 1)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def card(r):
    kind = r.choice(["visa", "visa", "mastercard", "mastercard2", "amex", "discover", "maestro", "jcb"])
    if kind == "amex":
        s = luhn_complete(r.choice(["34", "37"]), 15, r)
        return r.choice([f"{s[:4]} {s[4:10]} {s[10:]}", s]), "card-amex"
    prefix = {"visa": "4", "mastercard": r.choice(["51", "52", "53", "54", "55"]),
              "mastercard2": str(r.randint(2221, 2720)), "discover": r.choice(["6011", "65", str(r.randint(644, 649))]),
              "maestro": r.choice(["6759", "6763", "5018", "5020"]), "jcb": str(r.randint(3528, 3589))}[kind]
    s = luhn_complete(prefix, 16, r)
    form = r.choice(["spaced", "plain", "dashed"])
    if form == "spaced":
        s = " ".join(s[i:i + 4] for i in range(0, 16, 4))
    elif form == "dashed":
        s = "-".join(s[i:i + 4] for i in range(0, 16, 4))
    return s, "card-" + form


def iban(r):
    bank = r.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "WEST"])
    sort = "".join(str(r.randint(0, 9)) for _ in range(6))
    account = "".join(str(r.randint(0, 9)) for _ in range(8))
    bban = bank + sort + account
    numeric = "".join(str(int(c, 36)) for c in bban + "GB00")
    check = 98 - int(numeric) % 97
    s = f"GB{check:02d}{bban}"
    if r.random() < 0.6:
        s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s, "iban"


def ip_address(r):
    form = r.choice(["v4", "v4", "v6-full", "v6-short", "v6-v4", "v6-prefix"])
    if form == "v4":
        return ".".join(str(r.randint(1, 254)) for _ in range(4)), form
    groups = [f"{r.randint(0, 65535):x}" for _ in range(8)]
    if form == "v6-full":
        return ":".join(groups), form
    if form == "v6-short":
        return f"2001:db8:{groups[2]}::{groups[7]}", form
    if form == "v6-v4":
        return r.choice(["::ffff:", f"64:ff9b::", f"2001:db8:{groups[2]}::"]) + ".".join(
            str(r.randint(1, 254)) for _ in range(4)), form
    return f"2001:db8:{groups[2]}::/{r.choice([32, 48, 56, 64])}", form


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def date_of_birth(r):
    year = r.randint(1925, 2022)
    month = r.randint(1, 12)
    day = r.randint(1, 28)
    form = r.choice(["slash", "dot", "iso", "long", "long-of", "us", "short-year", "apostrophe-year"])
    if form == "slash":
        return f"{day:02d}/{month:02d}/{year}", form
    if form == "dot":
        return f"{day}.{month}.{year}", form
    if form == "iso":
        return f"{year}-{month:02d}-{day:02d}", form
    if form == "long":
        suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return f"{day}{suffix} {MONTHS[month - 1]} {year}", form
    if form == "long-of":
        return f"{day} {MONTHS[month - 1]} {year}", form
    if form == "us":
        return f"{MONTHS[month - 1]} {day}, {year}", form
    if form == "apostrophe-year":  # 12th April '61 (stop 34)
        suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        mark = r.choice(["'", "’"])
        return f"{day}{suffix} {MONTHS[month - 1]} {mark}{year % 100:02d}", form
    return f"{day:02d}/{month:02d}/{year % 100:02d}", form


def driving_licence(r, surname):
    letters = "".join(c for c in surname.upper() if c.isascii() and c.isalpha())[:5].ljust(5, "9")
    year = r.randint(1940, 2004)
    month = r.randint(1, 12) + (50 if r.random() < 0.5 else 0)
    day = r.randint(1, 28)
    initials = "".join(r.choice(string.ascii_uppercase) for _ in range(r.choice([1, 2]))).ljust(2, "9")
    core = f"{letters}{str(year)[2]}{month:02d}{day:02d}{str(year)[3]}{initials}9{r.choice(string.ascii_uppercase)}{r.choice(string.ascii_uppercase)}"
    form = r.choice(["plain", "spaced", "plain-issue", "spaced-issue"])
    if form.startswith("spaced"):
        s = f"{core[:5]} {core[5:11]} {core[11:]}"
    else:
        s = core
    if form.endswith("issue"):
        s += " " + f"{r.randint(1, 9):02d}"
    if r.random() < 0.15:
        s, form = s.lower(), form + "-lower"
    return s, form


def passport(r):
    return "".join(str(r.randint(0, 9)) for _ in range(9)), "passport"


def email_personal(r, first, surname):
    f = "".join(c for c in first.lower() if c.isascii() and c.isalpha()) or "sam"
    s = "".join(c for c in surname.lower() if c.isascii() and c.isalpha()) or "lee"
    local = r.choice([f"{f}.{s}", f"{f[0]}{s}", f"{f}{s}{r.randint(1, 99)}", f"{f}_{s}", f"{s}.{f}", f"{f}{r.randint(70, 99)}"])
    domain = r.choice(["gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com",
                       "nhs.net", "nhs.net", "sky.com", "live.co.uk"])
    return f"{local}@{domain}", "email-" + ("nhs" if domain == "nhs.net" else "personal")


ORG_EMAILS = ["pals@leedsth.nhs.uk", "ulth.pals@nhs.net", "england.contactus@nhs.net", "physio.referrals@nhs.net",
              "patientexperience@nhs.net", "feedback@mft.nhs.uk", "enquiries@hcpc-uk.org", "info@csp.org.uk",
              "podiatry.bookings@nhs.net", "complaints@nuh.nhs.uk", "msk.admin@nhs.net", "slt.referrals@nhs.net",
              "pals@gstt.nhs.uk", "contactus@rcslt.org", "radiology.appointments@nhs.net", "help@nhs.net",
              "the.pals.team@nhs.net", "wwl.patientrelations@nhs.net", "customerservices@ambulance.nhs.uk"]

# ---------------------------------------------------------------------------------------------
# Text around them.
# ---------------------------------------------------------------------------------------------
PROFESSIONS = ["physio", "physiotherapist", "podiatrist", "radiographer", "speech therapist",
               "speech and language therapist", "paramedic", "occupational therapist", "dietitian", "orthoptist",
               "prosthetist", "art therapist", "osteopath", "OT"]
SERVICES = ["physiotherapy", "podiatry", "radiography", "speech and language therapy", "the ambulance service",
            "occupational therapy", "dietetics", "the MSK service", "the foot clinic", "the X-ray department"]
RELATIONS = ["daughter", "son", "husband", "wife", "mum", "dad", "partner", "grandson", "granddaughter", "nan",
             "brother", "sister", "neighbour", "carer", "friend"]
HOSPITALS = ["Queen Elizabeth Hospital", "John Radcliffe Hospital", "Gray's Hospital", "Royal Victoria Infirmary",
             "William Harvey Hospital", "Alexandra Hospital", "Princess Royal University Hospital", "St Thomas' Hospital",
             "St George's", "Addenbrooke's", "Royal Albert Edward Infirmary", "Leeds General Infirmary",
             "the Royal Derby", "Musgrove Park Hospital", "Frimley Park", "Derriford", "Ninewells", "Morriston Hospital",
             "Glan Clwyd", "the Christie", "Alder Hey", "Great Ormond Street", "Stoke Mandeville",
             "the Florence Nightingale Hospice", "Mary Seacole ward", "Nightingale Ward", "Florence Ward",
             "Victoria Ward", "Churchill Hospital", "Royal Alexandra Children's Hospital", "Edith Cavell Building",
             "Margaret Thatcher Infirmary"]
STREETS = ["Victoria Road", "Albert Street", "Elizabeth Way", "Churchill Avenue", "Wellington Street", "Grace Lane",
           "Church Lane", "Station Road", "Priory Close", "Mary Street", "St James Place", "Kingsley Drive"]
PLACES = ["Milton Keynes", "Stoke", "Chester", "Lincoln", "Preston", "Kingston", "Stanley", "Leeds", "Barnsley",
          "Sheffield", "Wigan", "Swansea", "Aberdeen", "Derry", "Bangor", "Shirley", "Beverley", "Chelsea", "Florence",
          "Luton", "Morecambe", "Clifton", "Devon", "Kent", "Cleethorpes", "Ashford", "Carlisle"]
EPONYMS = ["Parkinson's", "Alzheimer's", "Crohn's", "Asperger's", "Bell's palsy", "Down's syndrome",
           "an Achilles tendon", "a Baker's cyst", "Osgood-Schlatter", "Guillain-Barré syndrome", "Raynaud's",
           "Huntington's", "Dupuytren's contracture", "Morton's neuroma", "Sever's disease", "Perthes disease"]
DRUGS = ["Sertraline", "Amitriptyline", "Gabapentin", "Co-codamol", "Naproxen", "Pregabalin", "Omeprazole",
         "Ibuprofen", "Warfarin", "Metformin", "Ramipril"]
BRANDS = ["Boots", "Specsavers", "Tesco", "Marks and Spencer", "Asda", "Lloyds Pharmacy", "Superdrug"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

OPENINGS = [
    "I want to say something about {service}.", "I have been using {service} for about two years.",
    "This is about my {relation}'s care.", "Where do I start.", "I was referred to {service} by my GP in {month}.",
    "Just wanted to share my experience.", "My experience of {service} has been mixed.",
    "I'm writing as a carer.", "Overall I'd say the care was good but the waits were not.",
]
MIDDLES = [
    "The waiting list was {weeks} weeks and nobody told us why.",
    "When I finally got seen the {profession} was really thorough and explained everything.",
    "I had {eponym} diagnosed last year and the exercises have helped a lot.",
    "They moved my appointment three times, once on the morning itself.",
    "The car park at {hospital} costs £{price} for two hours which is a lot when you go twice a week.",
    "The {profession} on {ward} sorted out a walking frame before discharge.",
    "I was on {drug} for months before anyone suggested physio.",
    "Parking near {street} is impossible so I got the bus from {place}.",
    "The clinic runs on a {day} afternoon, which is hard if you work.",
    "Appointment was at {time} but we were seen at {time2}.",
    "I got a letter with reference {reference} but no date.",
    "The app (version {version}) kept logging me out, see section {section} of the leaflet.",
    "My {relation} was in bed {bed} on ward {ward_no} for a fortnight.",
    "I picked up the insoles from {brand} in {place} in the end.",
    "The X-ray at {hospital} took ten minutes and the report came back in a week.",
    "Ambulance took {minutes} minutes to come, the paramedics were calm and kind.",
    "The speech therapy group on {day}s has been a lifeline for my {relation} who has {eponym}.",
    "I rang {org_phone} several times and it just rang out.",
    "You can contact PALS on {org_email} or {org_phone}, they were helpful.",
    "I emailed {org_email} and got an answer within a week.",
    "Call 111 if you are unsure, or NHS 111 online.",
    "It cost me £{price} to go private in the end.",
    "We saw the podiatrist at {hospital} about my {relation}'s diabetic foot.",
    "I had to wait from {month} until {month2} for a scan.",
    "We made a day of it at the Victoria and Albert Museum afterwards.",
    "The old infirmary is now called {place} Royal and the physio gym moved there.",
    "We moved here from {abroad} in 2019 and had to start again with a new GP.",
    "Ward: {ward_name}. Bay: {bed}. Discharge: {day}.",
    "There were {n} of us in the waiting room at {time}.",
]
CLOSINGS = ["Thank you for listening.", "Please make it easier to get appointments.", "Hope this helps.",
            "Keep up the good work.", "Please fund more physios.", "That's all really.", ""]


def trap_fill(r, kind):
    fills = {
        "service": lambda: r.choice(SERVICES), "relation": lambda: r.choice(RELATIONS),
        "month": lambda: r.choice(MONTHS), "month2": lambda: r.choice(MONTHS), "weeks": lambda: str(r.randint(3, 52)),
        "profession": lambda: r.choice(PROFESSIONS), "eponym": lambda: r.choice(EPONYMS),
        "hospital": lambda: r.choice(HOSPITALS), "price": lambda: r.choice(["4.50", "6", "12.80", "45", "1,250", "60"]),
        "ward": lambda: r.choice(["Ward 12", "Florence Ward", "the stroke ward", "Victoria Ward", "Ward 7B", "Nightingale Ward"]),
        "drug": lambda: r.choice(DRUGS), "street": lambda: r.choice(STREETS), "place": lambda: r.choice(PLACES),
        "day": lambda: r.choice(DAYS), "time": lambda: r.choice(["9:30", "10.15am", "2pm", "14:45", "8 o'clock"]),
        "time2": lambda: r.choice(["11:05", "3.30pm", "16:20"]),
        "reference": lambda: r.choice(["RX" + str(r.randint(100000, 999999)), str(r.randint(1000000, 9999999)),
                                       nhs_number(r, valid=False), spaced_reference(r)]),
        "version": lambda: r.choice(["2.4.1", "10.3", "5.0.12.3", "3.1.4.159"]),
        "section": lambda: r.choice(["4.2", "3.1.7", "12"]), "bed": lambda: str(r.randint(1, 40)),
        "ward_no": lambda: str(r.randint(1, 40)), "brand": lambda: r.choice(BRANDS),
        "minutes": lambda: str(r.randint(8, 240)), "n": lambda: str(r.randint(5, 40)),
        "org_phone": lambda: org_phone(r), "org_email": lambda: r.choice(ORG_EMAILS),
        "abroad": lambda: r.choice(["Lagos", "Accra", "Harare", "Krakow", "Lahore", "Kingston", "Nairobi", "Manila", "Warsaw"]),
        "ward_name": lambda: r.choice(["Victoria", "Florence", "Grace", "Rose", "Elizabeth", "Nightingale", "Churchill"]),
    }
    return fills[kind]()


class Builder:
    """Builds one text, recording labelled spans in code points as it goes."""

    def __init__(self):
        self.parts = []
        self.length = 0
        self.labels = []
        self.traps = []

    def add(self, text):
        self.parts.append(text)
        self.length += len(text)

    def pii(self, category, value, form):
        self.labels.append({"category": category, "start": self.length, "end": self.length + len(value),
                            "value": value, "form": form})
        self.add(value)

    def template(self, r, template):
        """Fills {slots} with clean trap text."""
        i = 0
        while i < len(template):
            j = template.find("{", i)
            if j < 0:
                self.add(template[i:])
                break
            self.add(template[i:j])
            k = template.index("}", j)
            slot = template[j + 1:k]
            self.traps.append(slot)
            self.add(trap_fill(r, slot))
            i = k + 1

    def text(self):
        return "".join(self.parts)


def full_name(first, surname):
    return f"{first} {surname}"


def add_name_sentence(b, r):
    """One sentence that carries a person's name, in one of the ways people write them."""
    first, surname, community = pick_person(r)
    name = full_name(first, surname)
    form = r.choice(["complained", "thanks-to-first", "pass-thanks", "service-manager", "relation",
                     "role-full", "role-first", "called", "title", "first-subject", "full-subject",
                     "first-and-first", "spoke-to", "name-is", "shout-out", "full-bracket-role", "first-on-reception",
                     # Added 2026-12-04, late night, from hand-written sets.
                     "possessive", "surnames-between",
                     # Added 2026-12-04, stop 34, from hand-written sets.
                     "praise", "nickname", "text-speak"])
    P = lambda v, f="": b.pii("PERSON_NAME", v, f"{form}:{community}{f}")
    if form == "complained":
        b.add(r.choice(["I complained to ", "I made a complaint to ", "I wrote to "])); P(name); b.add(" but heard nothing back.")
    elif form == "thanks-to-first":
        b.add(r.choice(["Special thanks to ", "Thanks to ", "Big thank you to "])); P(first)
        b.add(r.choice([" on the stroke ward.", " in the physio gym.", " who never rushed us.", "!"]))
    elif form == "pass-thanks":
        b.add("Please pass my thanks to "); P(r.choice([name, first])); b.add(r.choice([" and the team.", ".", " in podiatry."]))
    elif form == "service-manager":
        b.add(r.choice(["The service manager, ", "The clinical lead, ", "The team leader, "])); P(name)
        b.add(", said she would look into it.")
    elif form == "relation":
        rel = r.choice(RELATIONS)
        b.add(f"My {rel}, "); P(first); b.add(r.choice([", came with me to every appointment.", ", is 14 and has a stammer."]))
    elif form == "role-full":
        b.add(f"My {r.choice(PROFESSIONS)} "); P(name); b.add(r.choice([" was brilliant.", " really listened.", " went above and beyond."]))
    elif form == "role-first":
        b.add(f"The {r.choice(PROFESSIONS + ['keyworker', 'link worker'])}, "); P(first); b.add(", explained the scan really well.")
    elif form == "called":
        b.add(f"A {r.choice(PROFESSIONS)} called "); P(first); b.add(" rang me back the same day.")
    elif form == "title":
        b.add(r.choice(["Dr ", "Mrs ", "Mr ", "Ms ", "Miss ", "Dr ", "Mrs ", "Mr ", "Ms ", "Miss ", "Fr. ", "Rev ",
                        # Ranks and civic titles (stop 35).
                        "Sgt ", "Capt. ", "Cllr ", "Sir "]))
        P(surname if r.random() < 0.6 else name)
        b.add(r.choice([" was very kind.", " referred me on.", " did not listen at all."]))
    elif form == "first-subject":
        P(first); b.add(r.choice([" was amazing with my dad.", " made me feel safe.", " never gave up on me."]))
    elif form == "full-subject":
        P(name); b.add(r.choice([" in the radiography team was kind.", " (band 6 physio) was fantastic.", " is a credit to the NHS."]))
    elif form == "first-and-first":
        other, _, _ = pick_person(r)
        P(first); b.add(r.choice([" and ", " and ", " & "])); P(other); b.add(" in the podiatry team were lovely.")
    elif form == "spoke-to":
        b.add(r.choice(["I spoke to a lady called ", "I spoke to ", "I was put through to "])); P(r.choice([first, name]))
        b.add(" who booked me in.")
    elif form == "name-is":
        b.add(r.choice(["My name is ", "Hi, I'm ", "I am "])); P(name); b.add(" and I use a wheelchair.")
    elif form == "shout-out":
        b.add("Shout out to "); P(first); b.add(" the paramedic who came out on Boxing Day.")
    elif form == "full-bracket-role":
        b.add("The OT ("); P(name); b.add(") set up rails in the bathroom.")
    elif form == "possessive":
        P(first); b.add(r.choice(["'s exercises worked wonders.", "'s manner was awful.", "'s clinic is always on time."]))
    elif form == "surnames-between":
        _, other, _ = pick_person(r)
        b.add(r.choice(["We were passed between ", "I was sent back and forth between "])); P(surname); b.add(" and "); P(other)
        b.add(" for weeks.")
    elif form == "praise":
        b.add(r.choice(["Can I just say ", "Honestly, ", "", "And "])); P(first)
        b.add(r.choice([" is a legend.", " was an angel.", " is a star!", " is an asset to the team.", " was a godsend."]))
    elif form == "text-speak":
        # Stop 34, from a hand-written set in text speak (the style may lower-case it further).
        other, _, _ = pick_person(r)
        how = r.choice(["thx", "n", "dr.", "looked-after"])
        if how == "thx":
            b.add("thx "); P(first); b.add(" 4 everything xx")
        elif how == "n":
            P(first); b.add(" n "); P(other); b.add(" were class")
        elif how == "dr.":
            b.add("we seen dr. "); P(surname); b.add(" n he was sound")
        else:
            b.add("my nan was looked after by "); P(first); b.add(" on ward 9")
    elif form == "nickname":
        # Nicknames are made from everyday names: Big Dave, Little Jimmy.
        b.add(r.choice(["We all called him Big ", "The porter, Little ", "Everyone knows Big "])); P(r.choice(FIRST["english"]))
        b.add(r.choice([", and he was kind to my mum.", ", made us laugh all the way.", " on the ward."]))
    else:
        P(first); b.add(" on reception always has a smile.")


def add_signoff(b, r):
    first, surname, community = pick_person(r)
    style = r.choice(["regards", "thanks", "cheers", "from", "alone", "alone-first", "dash", "kind-regards-newline",
                      "many-thanks", "best-wishes", "initial",
                      # Added stop 34, from a hand-written set of sign-offs.
                      "two-initials", "family", "town-line"])
    if style in ("two-initials", "family", "town-line"):
        lead = {"two-initials": "\n\nYours sincerely\n", "family": "\nWith thanks, the ", "town-line": "\n\nMany thanks\n\n"}[style]
        b.add(lead)
        if style == "two-initials":
            b.pii("PERSON_NAME", f"{first[0]}. {r.choice('ABCDEJKLMPRST')}. {surname}", f"signoff-{style}:{community}")
        elif style == "family":
            b.pii("PERSON_NAME", surname, f"signoff-{style}:{community}"); b.add(" family")
        else:
            b.pii("PERSON_NAME", full_name(first, surname), f"signoff-{style}:{community}")
            b.add("\n" + r.choice(["Bradford", "Leeds", "Swansea", "Preston", "Chester", "Lincoln", "Stanley"]))
        return
    value = r.choice([first, full_name(first, surname)]) if style not in ("alone", "initial") else full_name(first, surname)
    if style == "initial":
        value = f"{first} {surname[0]}."
    lead = {"regards": "\n\nRegards,\n", "thanks": "\nThanks, ", "cheers": "\nCheers\n", "from": "\n-- from ",
            "alone": "\n\n", "alone-first": "\n", "dash": "\n- ", "kind-regards-newline": "\n\nKind regards\n",
            "many-thanks": "\nMany thanks,\n", "best-wishes": "\nBest wishes, ", "initial": "\nThanks\n"}[style]
    if style == "alone-first":
        value = first
    b.add(lead)
    b.pii("PERSON_NAME", value, f"signoff-{style}:{community}")
    b.add(r.choice(["", "", "", "", " xx", " \U0001F44D", " :)"]))  # kisses, a thumbs up, a smiley


def add_identifier(b, r, first, surname):
    kind = r.choices(["nhs", "nino", "trn", "mobile", "landline", "postcode", "card", "iban", "ip", "dob",
                      "licence", "passport", "email", "ownphone", "street", "abroad"],
                     weights=[12, 9, 3, 12, 8, 10, 4, 3, 4, 8, 5, 4, 10, 3, 6, 3])[0]
    if kind == "nhs":
        lead = r.choice(["My NHS number is ", "NHS no. ", "nhs number: ", "(NHS ", "my number is ", "Ref: ", "patient 2 ",
                         "NHS#", "Patient ID (NHS): "])
        # Written from memory after the words that say what it is: one in six has a wrong digit.
        mistyped = "NHS" in lead.upper() and r.random() < 1 / 6
        value, form = nhs_forms(r, nhs_number(r, valid=not mistyped))
        if mistyped:
            form = "mistyped-" + form
        b.add(lead)
        b.pii("NHS_NUMBER", value, form); b.add(r.choice([" if you need it.", ")", ".", " for reference."]))
    elif kind == "nino":
        value, form = nino(r)
        b.add(r.choice(["My NI number is ", "national insurance no ", "NINO: ", "ni number ", "my NI is "]))
        b.pii("UK_NINO", value, form); b.add(r.choice([" because they asked for it.", ".", " (for the benefits form)."]))
    elif kind == "trn":
        value, form = trn(r)
        b.add(r.choice(["HMRC gave me a temporary reference number ", "my TRN is ", "TRN "]))
        b.pii("UK_NINO", value, form); b.add(" until my NI number comes.")
    elif kind == "mobile":
        value, form = mobile(r)
        b.add(r.choice(["Ring me on ", "My mobile is ", "call me on ", "text me: ", "you can reach me on ", "tel ", "option 2 "]))
        b.pii("UK_PHONE", value, form); b.add(r.choice([" any time.", ".", " after 5pm", " (evenings)."]))
    elif kind == "landline":
        value, form = landline(r)
        b.add(r.choice(["My home number is ", "phone me on ", "Landline: ", "ring us on "]))
        b.pii("UK_PHONE", value, form); b.add(r.choice([".", " - mornings are best.", " if you want to talk."]))
    elif kind == "ownphone":
        # The writer's own number on a line organisations use (a work mobile forwarded through
        # an 0800 or 03 number), or mistyped a digit short or long.
        d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))
        value, form = r.choice([(org_phone(r), "own-org"), (f"07{d(3)} {d(5)}", "own-short"), (f"01{d(3)} {d(7)}", "own-long"),
                                (f"028 {d(4)} {d(3)}", "own-short")])
        b.add(r.choice(["Call me on ", "my number is ", "ring me on ", "text me on ", "My mobile: "]))
        b.pii("UK_PHONE", value, form); b.add(r.choice([".", " if you need me.", " any time."]))
    elif kind == "abroad":
        # A number outside the UK with its country code (stop 34, from a hand-written set).
        d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))
        value, form = r.choice([(f"+353 8{r.randint(3, 9)} {d(3)} {d(4)}", "ie-mobile"), (f"+1 ({d(3)}) {d(3)}-{d(4)}", "nanp"),
                                (f"+33 {r.randint(6, 7)} {d(2)} {d(2)} {d(2)} {d(2)}", "fr-mobile"), (f"+91 {d(5)} {d(5)}", "in-mobile"),
                                (f"+48 {d(3)} {d(3)} {d(3)}", "pl-mobile")])
        b.add(r.choice(["My sister abroad is on ", "Irish mobile ", "call my son in the States on ", "whatsapp ", "my number is "]))
        b.pii("PHONE_NUMBER", value, form); b.add(r.choice([".", " if easier.", " (evenings)."]))
    elif kind == "street":
        # A house number and street whatever the street's last word, after the words that say
        # it is an address.
        number = str(r.randint(1, 250)) + r.choice(["", "", "", "a", "B"])
        name = r.choice([r.choice(["Elm", "Cedar", "Kings", "Queens", "Mill", "Church", "Station", "Orchard", "Meadow",
                                   "Bramble", "Heron", "Abbey", "Castle", "Windmill", "Chapel", "Tudor", "Wellington"]),
                         f"{r.choice(['St', 'St.', 'Lady', 'Upper', 'Lower', 'Old', 'New'])} {r.choice(['Margaret', 'Peter', 'Hill', 'Bridge', 'Market'])}"])
        suffix = r.choice(["Road", "Street", "Way", "Close", "Gardens", "Crescent", "Highway", "Point", "Isle", "Ports",
                           "Course", "Hollow", "Ridge", "Grange", "Paddocks", "Fold", "Brow", "Wynd", "Vennel", "Loke"])
        value = f"{number} {name} {suffix}"
        if r.random() < 0.2:
            value = f"Flat {r.randint(1, 30)}{r.choice(['', '', 'b'])}, {value}"
            if r.random() < 0.3:
                # A flat in a named block on the street, no house number (stop 35).
                value = f"{value.split(', ')[0]} {r.choice(['Jubilee', 'Victoria', 'Riverside', 'Oak'])} " \
                        f"{r.choice(['Court', 'House', 'Heights'])}, {name} {r.choice(['Road', 'Street', 'Lane'])}"
        elif r.random() < 0.15:
            # A home with a name instead of a number (2026-12-04, late night; a rectory's, stop 34).
            home = r.choice([f"{r.choice(['Rose', 'Ivy', 'Holly', 'Willow', 'Apple Tree', 'Old Mill', 'Meadow View', 'Primrose'])} "
                             f"{r.choice(['Cottage', 'Farm', 'Barn', 'Bungalow'])}",
                             f"The {r.choice(['Old ', ''])}{r.choice(['Rectory', 'Vicarage', 'Granary', 'Forge', 'Stables', 'Manse'])}"])
            value = f"{home}, {name} {r.choice(['Lane', 'Road', 'Street'])}"
        b.add(r.choice(["I live at ", "My address is ", "Please send it to ", "address: ", "we moved to ", "They wrote to ",
                        "the letter was sent to "]))
        b.pii("STREET_ADDRESS", value, "street-any-suffix"); b.add(r.choice([".", ", near the clinic.", " if you want to write."]))
    elif kind == "postcode":
        value, form = postcode(r)
        lead = r.choice(["I live in ", "our postcode is ", "I'm at ", "address is 14 Mill Lane, "])
        if lead.startswith("address is"):
            # The street is personal too (labelled since the street-address rule, 2026-12-04;
            # written so that the random stream, and every other item, stays as it was).
            b.add("address is "); b.pii("STREET_ADDRESS", "14 Mill Lane", "house-number-street"); b.add(", ")
        else:
            b.add(lead)
        b.pii("UK_POSTCODE", value, form); b.add(r.choice([" and the nearest clinic is 20 miles away.", ".", " area."]))
    elif kind == "card":
        value, form = card(r)
        lead = r.choice(["They charged my card ", "I paid with card number ", "card: ", "card 2 "])
        if lead != "card 2 " and r.random() < 1 / 6:
            # From memory, a digit wrong: four groups of four that fail the Luhn check.
            digits = value.replace(" ", "").replace("-", "")
            if len(digits) == 16:
                digits = digits[:15] + str((int(digits[15]) + r.randint(1, 9)) % 10)
                value, form = " ".join(digits[i:i + 4] for i in range(0, 16, 4)), "card-mistyped"
        b.add(lead)
        b.pii("CARD_NUMBER", value, form); b.add(r.choice([" for the parking, which is wrong.", " 3 times for one visit."]))
    elif kind == "iban":
        value, form = iban(r)
        b.add(r.choice(["Refund to IBAN ", "my bank details are ", "IBAN: "]))
        b.pii("IBAN", value, form); b.add(r.choice([" please.", " 2 weeks ago and nothing came."]))
    elif kind == "ip":
        value, form = ip_address(r)
        b.add(r.choice(["The booking site blocked my IP ", "my IP address is ", "the error said client "]))
        b.pii("IP_ADDRESS", value, form); b.add(r.choice([" for no reason.", ".", " was refused."]))
    elif kind == "dob":
        value, form = date_of_birth(r)
        b.add(r.choice(["I was born on ", "DOB ", "date of birth: ", "my son (born ", "d.o.b. ", "born "]))
        b.pii("DATE_OF_BIRTH", value, form); b.add(r.choice([".", ") has autism.", " so I'm not young.", ","]))
    elif kind == "licence":
        value, form = driving_licence(r, surname)
        b.add(r.choice(["my driving licence number is ", "licence no ", "Driving licence: ", "DVLA licence "]))
        b.pii("UK_DRIVING_LICENCE", value, form); b.add(r.choice([" was needed for the blue badge.", ".", " (photocard)."]))
    elif kind == "passport":
        value, form = passport(r)
        b.add(r.choice(["passport ", "my passport number is ", "Passport no. ", "passport: ", "my passport is "]))
        b.pii("UK_PASSPORT", value, form); b.add(r.choice([" as ID.", ".", " - they kept a copy."]))
    else:
        value, form = email_personal(r, first, surname)
        b.add(r.choice(["Email me at ", "my email is ", "contact: ", "you can email "]))
        b.pii("EMAIL", value, form); b.add(r.choice([" if you want more detail.", ".", " thanks"]))


TYPOS = {"the": "teh", "appointment": "appointmnet", "because": "becuase", "really": "realy", "physio": "physo",
         "waiting": "wating", "received": "recieved", "definitely": "definately", "which": "wich"}


def roughen(text, labels, r):
    """Typos in the words around the values; offsets shift with them."""
    words = text.split(" ")
    out, shift_at = [], []
    position = 0
    for w in words:
        replacement = w
        bare = w.strip(".,!?").lower()
        inside_label = any(l["start"] <= position < l["end"] or l["start"] < position + len(w) <= l["end"] for l in labels)
        if not inside_label and bare in TYPOS and r.random() < 0.5:
            replacement = w.lower().replace(bare, TYPOS[bare], 1)
        delta = len(replacement) - len(w)
        if delta:
            shift_at.append((position, delta))
        out.append(replacement)
        position += len(w) + 1
    for at, delta in shift_at:
        for l in labels:
            if l["start"] > at:
                l["start"] += delta
                l["end"] += delta
    return " ".join(out)


def contribution(r, index):
    b = Builder()
    has_pii = r.random() < 0.55
    sentences = [lambda: b.template(r, r.choice(OPENINGS))]
    for _ in range(r.randint(1, 4)):
        sentences.append(lambda t=r.choice(MIDDLES): b.template(r, t))
    first, surname, _ = pick_person(r)
    if has_pii:
        count = r.choices([1, 2, 3], weights=[60, 30, 10])[0]
        for _ in range(count):
            if r.random() < 0.45:
                sentences.insert(r.randint(1, len(sentences)), lambda: add_name_sentence(b, r))
            else:
                sentences.insert(r.randint(1, len(sentences)), lambda: add_identifier(b, r, first, surname))
    closing = r.choice(CLOSINGS)
    for i, sentence in enumerate(sentences):
        if i:
            b.add(" ")
        sentence()
    if closing:
        b.add(" " + closing)
    if has_pii and r.random() < 0.3:
        add_signoff(b, r)
    text = b.text()
    labels = b.labels
    style = "normal"
    roll = r.random()
    if roll < 0.12:
        # All lower case, as many people type on a phone: the values too.
        text = text.lower()
        for l in labels:
            l["value"] = l["value"].lower()
        style = "lower"
    elif roll < 0.22:
        text = roughen(text, labels, r)
        style = "typos"
    elif roll < 0.27 and len(text.upper()) == len(text):
        # In capitals, as angry people write, the opening words sometimes not.
        keep = len(text.split(" ")[0]) if r.random() < 0.5 else 0
        text = text[:keep] + text[keep:].upper()
        for l in labels:
            l["value"] = text[l["start"]:l["end"]]
        style = "capitals"
    for l in labels:
        assert text[l["start"]:l["end"]] == l["value"], (text, l)
    return {"id": f"pii-{index}", "text": text, "pii": labels, "style": style, "traps": sorted(set(b.traps))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, required=True, help="random seed: tune on one, report on another")
    parser.add_argument("--count", type=int, default=6000, help="contributions to write (default 6000)")
    args = parser.parse_args()
    r = random.Random(args.seed)
    out = sys.stdout
    for i in range(args.count):
        out.write(json.dumps(contribution(r, i), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
