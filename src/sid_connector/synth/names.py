"""Indonesian personal and place names for synthetic residents.

Names in Java are mostly given names without a family name, often of one to three words; the mix below
(Javanese, Sundanese, Arabic/Muslim, Christian and modern names) is what a Central Java village register
looks like. Everything is upper-case ASCII, as OpenSID stores names (RULES.md PER-NAME-CHARS).
"""

from __future__ import annotations

import random

JAWA_L = [
    "SUTRISNO",
    "SUGENG",
    "SLAMET",
    "SUPARMAN",
    "SUKARDI",
    "SUWARNO",
    "SUPRIYADI",
    "SUTARNO",
    "SUMARNO",
    "PARYANTO",
    "WAGIMAN",
    "KASIMAN",
    "TARYONO",
    "DARSONO",
    "WARSITO",
    "SUGIYANTO",
    "SURATMAN",
    "MULYADI",
    "SUPARDI",
    "KUSWANTO",
    "HARYANTO",
    "BAMBANG",
    "JOKO",
    "BUDI",
    "HERU",
    "AGUS",
    "EKO",
    "DWI",
    "TRI",
    "WAHYU",
    "TEGUH",
    "PRASETYO",
    "SANTOSO",
    "WIBOWO",
    "NUGROHO",
    "SETIAWAN",
    "PURNOMO",
    "HARTONO",
    "SUKIMAN",
    "KARSO",
    "KARTO",
    "TUKIJO",
    "PAIMAN",
    "SAIMIN",
    "RASIMIN",
    "DARMAJI",
    "TASRIP",
    "WASLAM",
    "RASTAM",
    "DASIMUN",
    "CARIM",
]
JAWA_P = [
    "SUMIYATI",
    "SUPARTI",
    "SUKINAH",
    "SRI",
    "WAHYUNI",
    "TUMINAH",
    "PAINEM",
    "SUMARNI",
    "SUNARTI",
    "SITI",
    "MURNI",
    "WARSIH",
    "KASMIRAH",
    "TARSIH",
    "DARMI",
    "RUSMINI",
    "SUPRIHATIN",
    "ENDANG",
    "LESTARI",
    "RAHAYU",
    "WIDIASTUTI",
    "KUSRINI",
    "SUYATMI",
    "WARTINI",
    "CASMIRAH",
    "SAMIRAH",
    "TASMI",
    "RATINAH",
    "KARSIH",
    "RUSMIATI",
    "SUKESIH",
    "MUJIATI",
    "PARTINAH",
    "SUGIYEM",
    "NGATINI",
    "SUMIRAH",
    "DASIYAH",
]
SUNDA_L = [
    "ASEP",
    "UJANG",
    "DEDE",
    "CECEP",
    "YAYAN",
    "ENDANG",
    "ATENG",
    "MAMAN",
    "OMAN",
    "DADANG",
    "JAJANG",
    "UJAY",
    "EMAN",
    "KOKO",
]
SUNDA_P = [
    "EUIS",
    "NENENG",
    "IIS",
    "ENTIN",
    "ENENG",
    "IMAS",
    "YAYAH",
    "NINING",
    "ELIS",
    "TITIN",
    "NENG",
    "ENOK",
    "CUCU",
]
ISLAM_L = [
    "MUHAMMAD",
    "AHMAD",
    "ABDUL",
    "RAHMAN",
    "HASAN",
    "HUSEIN",
    "FAUZI",
    "ISMAIL",
    "YUSUF",
    "IBRAHIM",
    "MAHMUD",
    "SALEH",
    "HIDAYAT",
    "ARIF",
    "RIDWAN",
    "SYAIFUL",
    "NURUL",
    "ZAINAL",
    "MUSTOFA",
    "ROHMAT",
    "KHOIRUL",
    "IMAM",
    "ANWAR",
    "MUHAIMIN",
    "FATHUR",
    "ROSYID",
    "HAMID",
    "LUTFI",
]
ISLAM_P = [
    "SITI",
    "NUR",
    "FATIMAH",
    "AISYAH",
    "KHOIRIYAH",
    "ZAHRA",
    "AMINAH",
    "MARYAM",
    "ROHMAH",
    "MUSLIMAH",
    "KHASANAH",
    "ZULAIKHA",
    "SALMAH",
    "HALIMAH",
    "NAFISAH",
    "LAILATUL",
    "MUNAWAROH",
    "UMI",
    "KHOLIFAH",
    "ROFIAH",
    "ISTIQOMAH",
    "MUTMAINAH",
    "NURHAYATI",
    "HIDAYAH",
]
KRISTEN_L = [
    "YOHANES",
    "PETRUS",
    "PAULUS",
    "STEFANUS",
    "ANDREAS",
    "MARKUS",
    "YOSEF",
    "FRANSISKUS",
    "ANTONIUS",
    "BENEDIKTUS",
    "MATIUS",
    "DANIEL",
]
KRISTEN_P = ["MARIA", "AGNES", "MAGDALENA", "THERESIA", "ELISABETH", "KRISTINA", "VERONIKA", "YOHANA", "MARTA", "LUSIA"]
MODERN_L = [
    "RIZKY",
    "DIMAS",
    "ADITYA",
    "FAJAR",
    "RAFI",
    "ALIF",
    "ARKAN",
    "BAYU",
    "DAFFA",
    "FARHAN",
    "GILANG",
    "HAFIDZ",
    "ILHAM",
    "KEVIN",
    "NAUFAL",
    "RAKA",
    "REVAN",
    "SATRIA",
    "YOGA",
    "ZIDAN",
    "AZKA",
    "ALVARO",
    "ARSYA",
    "DZAKI",
    "FATIH",
    "KENZO",
    "RAYHAN",
    "ABIMANYU",
    "DANENDRA",
]
MODERN_P = [
    "PUTRI",
    "NABILA",
    "AULIA",
    "ZAHRA",
    "SALSABILA",
    "AZZAHRA",
    "ANISA",
    "DINDA",
    "FITRI",
    "INDAH",
    "KIRANA",
    "NAYLA",
    "RARA",
    "SHAFA",
    "TIARA",
    "YASMIN",
    "ALYA",
    "CANTIKA",
    "KHANZA",
    "NAURA",
    "QIANA",
    "ARUMI",
    "ADZKIA",
    "HANIN",
    "AQILA",
    "KEISHA",
    "ZIVANA",
    "MIKAYLA",
]
SUFFIX_L = ["SAPUTRA", "PRATAMA", "RAMADHAN", "HIDAYAT", "NUGRAHA", "FIRMANSYAH", "SANTOSO", "WIJAYA", "KURNIAWAN"]
SUFFIX_P = ["LESTARI", "RAHAYU", "PUSPITASARI", "WULANDARI", "NINGSIH", "KURNIASIH", "AMELIA", "RAMADHANI", "SAFITRI"]


# Births from this year on follow Permendagri 73/2022: a name of at least two words.
NAMING_RULES_YEAR = 2022


def given_name(rng: random.Random, sex: int, birth_year: int, christian: bool) -> str:
    """A name plausible for the person's sex, generation and faith."""
    male = sex == 1
    if christian and rng.random() < 0.7:
        first = rng.choice(KRISTEN_L if male else KRISTEN_P)
        second = rng.choice(JAWA_L if male else JAWA_P)
        return f"{first} {second}"
    if birth_year >= 1995:
        pool = MODERN_L if male else MODERN_P
        words = [rng.choice(pool)]
        # Permendagri 73/2022 asks for at least two words from 2022 on (PER-NAME-CHARS, INFO sub-check).
        if birth_year >= NAMING_RULES_YEAR or rng.random() < 0.6:
            words.append(rng.choice(SUFFIX_L if male else SUFFIX_P))
        if rng.random() < 0.3:
            words.insert(0, rng.choice(ISLAM_L if male else ISLAM_P))
        return " ".join(dict.fromkeys(words))
    roll = rng.random()
    if roll < 0.55:
        words = [rng.choice(JAWA_L if male else JAWA_P)]
        if birth_year >= 1965 and rng.random() < 0.4:
            words.append(rng.choice(JAWA_L if male else JAWA_P))
    elif roll < 0.7:
        words = [rng.choice(SUNDA_L if male else SUNDA_P)]
        if rng.random() < 0.5:
            words.append(rng.choice(JAWA_L if male else JAWA_P))
    else:
        words = [rng.choice(ISLAM_L if male else ISLAM_P), rng.choice(JAWA_L if male else JAWA_P)]
    name = " ".join(dict.fromkeys(words))
    if male and birth_year < 1965 and rng.random() < 0.05:
        name = f"H. {name}"
    return name


# Other villages a resident may have moved from, inside the same kecamatan: a mover keeps the NIK of the
# kecamatan of first registration, so movers from here keep a local NIK (NIK-VS-DOMICILE stays silent).
NEIGHBOUR_VILLAGES = ("Sidaurip", "Karangrena", "Pesanggrahan", "Dondong", "Bulupayung", "Slarang", "Kuripan")


def neighbour_origin(rng: random.Random, prefix: str, kecamatan: str, kabupaten: str) -> tuple[str, str, str]:
    """(kecamatan code, birth place, previous address) of a mover from another village of this kecamatan."""
    desa = rng.choice(NEIGHBOUR_VILLAGES)
    return prefix, kabupaten.upper(), f"Desa {desa}, Kec. {kecamatan}, {kabupaten}"


# Birth places of natives.
NATIVE_PLACES = ("CILACAP", "CILACAP", "CILACAP", "KESUGIHAN", "MENGANTI")

DUSUN_NAMES = (
    "Krajan",
    "Sidamulya",
    "Karanganyar",
    "Sukamaju",
    "Kalisari",
    "Pesawahan",
    "Karangjati",
    "Mulyasari",
    "Tegalsari",
    "Banjarsari",
    "Sindangsari",
    "Cikalong",
    "Karangsari",
    "Pagergunung",
    "Sidasari",
    "Bojongsari",
)
