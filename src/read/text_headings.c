/*
 * text_headings.c: step 4 of the plain-text reader: what each block is
 * (heading of a part, chapter or section, scene break, paragraph).
 *
 * A heading is known by its shape and its context together, as an editor
 * would tell one, not by a list of the books' own headings:
 *   - shape: a short block (one line, or two: "CHAPTER THE FIRST." over its
 *     title) set apart by blank lines, in capitals or title case, not
 *     ending like a sentence;
 *   - words: a label word (CHAPTER, BOOK, ACT, KAPITEL, CAPÍTULO...) with a
 *     number (arabic, roman, or a number word: "TWENTY-FIRST", "THE
 *     FIRST"); a numeral and a title ("I. The Period"); a lone numeral
 *     ("II.", "— I —"); or a word that heads a piece alone (PREFACE);
 *   - context: a lone numeral is a heading only where it continues a run
 *     (I, II, III...): an index's letters "C." and "I." are not; a title
 *     block straight under a heading line is the heading's second line; a
 *     printed contents list confirms the headings and is taken out.
 * Each decision is noted with its line and its rule (`quire -v` or `quire
 * dump --why`).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

/* Step 4: headings --------------------------------------------------------- */

/* Letters: 1 for an upper-case letter at s (ASCII or Latin-1 in UTF-8),
 * -1 for a lower-case one, 0 for anything else. */
static int S_letter_case(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80)
        return isupper(c) ? 1 : islower(c) ? -1 : 0;
    if (c == 0xC3 && len >= 2) {
        unsigned char d = (unsigned char)s[1];
        if (d >= 0x80 && d <= 0x9E && d != 0x97)
            return 1;
        if (d >= 0x9F && d <= 0xBF && d != 0xB7)
            return -1;
    }
    return 0;
}

/* Whether s starts with `word` (upper case, UTF-8), ignoring the case of
 * ASCII and Latin-1 letters. */
static int S_starts_word_ci(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    if (len < wl)
        return 0;
    for (size_t i = 0; i < wl; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)word[i];
        if (a == b || (b < 0x80 && toupper(a) == b))
            continue;
        /* Latin-1 in UTF-8: C3 80-9E upper, +0x20 lower */
        if (i > 0 && (unsigned char)word[i - 1] == 0xC3 && a == b + 0x20)
            continue;
        /* Latin Extended-A in UTF-8 (the macrons of Ā Ē Ī Ō Ū): C4 and C5,
         * upper even, lower the next */
        if (i > 0 && ((unsigned char)word[i - 1] == 0xC4 || (unsigned char)word[i - 1] == 0xC5) &&
            (b & 1) == 0 && a == b + 1)
            continue;
        return 0;
    }
    return 1;
}

/* Whether the word s[0..wl) is in capitals ("CHAPTER") or capitalised
 * ("Chapter"), not lower case ("chapter", a sentence's word). */
static int S_caps_or_title(const char *s, size_t wl)
{
    if (S_letter_case(s, wl) != 1)
        return 0;
    int upper = 0, lower = 0;
    for (size_t i = 1; i < wl; i++) {
        int c = S_letter_case(s + i, wl - i);
        upper += c == 1;
        lower += c == -1;
    }
    return upper == 0 || lower == 0;
}

/* Number words: English cardinals and ordinals. A tens word may take a
 * unit after a hyphen ("TWENTY-FIRST"). */
static const struct {
    const char *w;
    int v;
} number_words[] = {
    {"ONE", 1},        {"TWO", 2},          {"THREE", 3},       {"FOUR", 4},
    {"FIVE", 5},       {"SIX", 6},          {"SEVEN", 7},       {"EIGHT", 8},
    {"NINE", 9},       {"TEN", 10},         {"ELEVEN", 11},     {"TWELVE", 12},
    {"THIRTEEN", 13},  {"FOURTEEN", 14},    {"FIFTEEN", 15},    {"SIXTEEN", 16},
    {"SEVENTEEN", 17}, {"EIGHTEEN", 18},    {"NINETEEN", 19},   {"TWENTY", 20},
    {"THIRTY", 30},    {"FORTY", 40},       {"FIFTY", 50},      {"SIXTY", 60},
    {"SEVENTY", 70},   {"EIGHTY", 80},      {"NINETY", 90},     {"HUNDRED", 100},
    {"FIRST", 1},      {"SECOND", 2},       {"THIRD", 3},       {"FOURTH", 4},
    {"FIFTH", 5},      {"SIXTH", 6},        {"SEVENTH", 7},     {"EIGHTH", 8},
    {"NINTH", 9},      {"TENTH", 10},       {"ELEVENTH", 11},   {"TWELFTH", 12},
    {"THIRTEENTH", 13}, {"FOURTEENTH", 14}, {"FIFTEENTH", 15},  {"SIXTEENTH", 16},
    {"SEVENTEENTH", 17}, {"EIGHTEENTH", 18}, {"NINETEENTH", 19}, {"TWENTIETH", 20},
    {"THIRTIETH", 30}, {"FORTIETH", 40},    {"FIFTIETH", 50},   {"SIXTIETH", 60},
    {"SEVENTIETH", 70}, {"EIGHTIETH", 80},  {"NINETIETH", 90},  {"HUNDREDTH", 100},
    {"LAST", 0},       {"FINAL", 0},
    /* French, German, Spanish, Italian ordinals: CHAPITRE PREMIER,
     * DEUXIÈME PARTIE, ERSTES KAPITEL, LIBRO PRIMERO */
    {"PREMIER", 1},    {"PREMI\xC3\x88RE", 1}, {"SECONDE", 2},   {"DEUXI\xC3\x88ME", 2},
    {"TROISI\xC3\x88ME", 3}, {"QUATRI\xC3\x88ME", 4}, {"CINQUI\xC3\x88ME", 5},
    {"SIXI\xC3\x88ME", 6}, {"SEPTI\xC3\x88ME", 7}, {"HUITI\xC3\x88ME", 8}, {"NEUVI\xC3\x88ME", 9},
    {"DIXI\xC3\x88ME", 10}, {"ERSTES", 1},   {"ERSTER", 1},      {"ERSTE", 1},
    {"ZWEITES", 2},    {"ZWEITER", 2},      {"ZWEITE", 2},      {"DRITTES", 3},
    {"DRITTER", 3},    {"DRITTE", 3},       {"VIERTES", 4},     {"VIERTER", 4},
    {"VIERTE", 4},     {"PRIMERO", 1},      {"PRIMERA", 1},     {"SEGUNDO", 2},
    {"SEGUNDA", 2},    {"TERCERO", 3},      {"TERCERA", 3},     {"PRIMO", 1},
    {"PRIMA", 1},      {"SECONDO", 2},      {"TERZO", 3},       {"TERZA", 3},
    /* Latin ordinals, in the three genders: ACTUS PRIMUS, SCENA PRIMA
     * (PRIMA above), CAPUT PRIMUM, LIBER DUODECIMUS */
    {"PRIMUS", 1},     {"PRIMUM", 1},       {"SECUNDUS", 2},    {"SECUNDA", 2},
    {"SECUNDUM", 2},   {"TERTIUS", 3},      {"TERTIA", 3},      {"TERTIUM", 3},
    {"QUARTUS", 4},    {"QUARTA", 4},       {"QUARTUM", 4},     {"QUINTUS", 5},
    {"QUINTA", 5},     {"QUINTUM", 5},      {"SEXTUS", 6},      {"SEXTA", 6},
    {"SEXTUM", 6},     {"SEPTIMUS", 7},     {"SEPTIMA", 7},     {"SEPTIMUM", 7},
    {"OCTAVUS", 8},    {"OCTAVA", 8},       {"OCTAVUM", 8},     {"NONUS", 9},
    {"NONA", 9},       {"NONUM", 9},        {"DECIMUS", 10},    {"DECIMA", 10},
    {"DECIMUM", 10},   {"UNDECIMUS", 11},   {"UNDECIMA", 11},   {"UNDECIMUM", 11},
    {"DUODECIMUS", 12}, {"DUODECIMA", 12},  {"DUODECIMUM", 12}, {"ULTIMUS", 0},
    {"ULTIMA", 0},     {"ULTIMUM", 0},
    /* ...and with the long vowels marked, as school texts print them:
     * SCAENA PRĪMA, ACTUS QUĀRTUS */
    {"PR\xC4\xAAMUS", 1}, {"PR\xC4\xAAMA", 1}, {"PR\xC4\xAAMUM", 1},
    {"QU\xC4\x80RTUS", 4}, {"QU\xC4\x80RTA", 4}, {"QU\xC4\x80RTUM", 4},
    {"QU\xC4\xAANTUS", 5}, {"QU\xC4\xAANTA", 5}, {"QU\xC4\xAANTUM", 5},
    {"OCT\xC4\x80VUS", 8}, {"OCT\xC4\x80VA", 8}, {"OCT\xC4\x80VUM", 8},
    {"N\xC5\x8CNUS", 9},  {"N\xC5\x8CNA", 9},  {"N\xC5\x8CNUM", 9},
};

/* The longest number word at s, ending at a word boundary (not a Latin
 * letter, accented or not; a dash is one): its length, and
 * its value in *value; 0 if there is none. */
static size_t S_number_word(const char *s, size_t len, int *value)
{
    size_t best = 0;
    for (size_t k = 0; k < QR_ARRAY_LEN(number_words); k++) {
        size_t wl = strlen(number_words[k].w);
        if (wl > best && S_starts_word_ci(s, len, number_words[k].w) &&
            (wl == len || !(isalpha((unsigned char)s[wl]) || ((unsigned char)s[wl] >= 0xC3 &&
                                                                 (unsigned char)s[wl] <= 0xC9)))) {
            best = wl;
            *value = number_words[k].v;
        }
    }
    /* "TWENTY-FIRST", "Thirty-two" */
    if (best > 0 && *value >= 20 && *value % 10 == 0 && best + 1 < len && s[best] == '-') {
        int unit;
        size_t ul = S_number_word(s + best + 1, len - best - 1, &unit);
        if (ul > 0 && unit > 0 && unit < 10) {
            *value += unit;
            best += 1 + ul;
        }
    }
    return best;
}

/* The value of a roman numeral s[0..n), all of one case; 0 if it is not one. */
static int S_roman_value(const char *s, size_t n)
{
    int total = 0, prev = 0;
    for (size_t i = n; i-- > 0;) {
        int v;
        switch (toupper((unsigned char)s[i])) {
        case 'I': v = 1; break;
        case 'V': v = 5; break;
        case 'X': v = 10; break;
        case 'L': v = 50; break;
        case 'C': v = 100; break;
        default: return 0;
        }
        total += v < prev ? -v : v;
        if (v > prev)
            prev = v;
    }
    return total > 0 ? total : 0;
}

/*
 * Length of a number at s: arabic, roman (either case), or a number word,
 * "THE FIRST" too; 0 if there is none. The number must end at a word
 * boundary. *roman says it is a roman numeral; *value is its value (0 for
 * LAST, FINAL).
 */
static size_t S_number(const char *s, size_t len, int *roman, int *value)
{
    size_t i = 0;
    *roman = 0;
    *value = 0;
    while (i < len && isdigit((unsigned char)s[i]))
        i++;
    if (i > 0)
        for (size_t k = 0; k < i && k < 6; k++)
            *value = *value * 10 + (s[k] - '0');
    if (i == 0) {
        while (i < len && strchr("IVXLCivxlc", s[i]))
            i++;
        if (i > 0) {
            /* one case throughout: "Iv" is not a numeral */
            int up = !!isupper((unsigned char)s[0]);
            for (size_t k = 1; k < i; k++)
                if (!!isupper((unsigned char)s[k]) != up)
                    i = 0;
            if (i && (i == len || !isalnum((unsigned char)s[i]))) {
                *roman = 1;
                *value = S_roman_value(s, i);
            }
        }
    }
    if (i == 0) {
        size_t off = 0;
        /* "THE FIRST", "the Twenty-Second" */
        if (len > 4 && strncasecmp(s, "THE ", 4) == 0)
            off = 4;
        i = S_number_word(s + off, len - off, value);
        if (i > 0)
            i += off;
    }
    if (i == 0 || (i < len && isalnum((unsigned char)s[i])))
        return 0;
    return i;
}

/* What may follow a heading's number: nothing, punctuation and a title,
 * or a capitalised title. */
static int S_heading_tail_ok(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0)
        return 1;
    if (s[0] == '.' || s[0] == ':' || s[0] == ',' || s[0] == ')' ||
        qr_text_starts_with(s, len, "\xE2\x80\x94") || qr_text_starts_with(s, len, "-")) {
        return 1;
    }
    while (i < len && s[i] == ' ')
        i++;
    if (i == 0 || i == len)
        return i == len;
    unsigned char c = (unsigned char)s[i];
    return isupper(c) || isdigit(c) || c == '(' || c == '[' || c == '"' || c >= 0x80;
}

/* The label words of headings, by what they head: English, French, German,
 * Spanish, Italian, Latin (the Latin act and scene of early printed plays:
 * ACTUS, SCENA, SCAENA, SCOENA, SCÆNA). */
static const char *const part_words[] = {
    "BOOK",  "PART",  "VOLUME", "ACT",  "LIVRE", "PARTIE", "TOME", "ACTE",  "BUCH",
    "TEIL",  "BAND",  "AKT",    "LIBRO", "PARTE", "TOMO",  "ACTO", "ATTO",
    "ACTUS", "LIBER", "PARS",   "TOMUS", "VOLUMEN",
};
static const char *const chapter_words[] = {
    "CHAPTER",  "CHAP.",     "LETTER",   "STAVE",     "SECTION",  "CANTO",   "SCENE",
    "EPISODE",  "FYTTE",     "ADVENTURE", "CHAPITRE", "SC\xC3\x88NE", "LETTRE", "KAPITEL",
    "SZENE",    "ABSCHNITT", "CAP\xC3\x8DTULO", "CAPITULO", "ESCENA", "CARTA", "CAPITOLO",
    "SCENA",    "LETTERA",   "CAPUT",    "CAPITULUM", "SCAENA",   "SCOENA",
    "SC\xC3\x86NA", "EPISTOLA",
};
static const char *const lone_words[] = {
    "PROLOGUE",   "EPILOGUE",   "PREFACE",  "INTRODUCTION", "CONCLUSION", "APPENDIX",
    "AFTERWORD",  "FOREWORD",   "POSTSCRIPT", "PROLOG",     "EPILOG",     "\xC3\x89PILOGUE",
    ("PR\xC3\x89" "FACE"), "AVANT-PROPOS", "POSTFACE", "VORWORT", "NACHWORT", "EINLEITUNG",
    "ANHANG",     "SCHLUSS",    "PR\xC3\x93LOGO", "PROLOGO", "EP\xC3\x8DLOGO", "EPILOGO",
    "PREFACIO",   "PREFAZIONE", "INTRODUCCI\xC3\x93N", "INTRODUZIONE", "CONCLUSI\xC3\x93N",
    "CONCLUSIONE", "AP\xC3\x89NDICE", "APPENDICE",
};

#define S_RULE_LONE_WORD "word that heads a piece"
#define S_RULE_INITIALS "a name's initials, not a numeral and a title"

/* Matches "WORD NUMBER tail" with WORD in upper or capitalised case. */
static int S_word_number(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    if (len <= wl + 1 || !S_starts_word_ci(s, len, word) || s[wl] != ' ')
        return 0;
    /* "CHAPTER" or "Chapter", not "chapter" (a sentence) */
    if (!S_caps_or_title(s, wl))
        return 0;
    size_t i = wl;
    while (i < len && s[i] == ' ')
        i++;
    int roman, value;
    size_t n = S_number(s + i, len - i, &roman, &value);
    if (n == 0)
        return 0;
    return S_heading_tail_ok(s + i + n, len - i - n);
}

/* English title case's minor words, which stay in lower case inside a
 * title ("The Fall of the House"); and the articles and prepositions of
 * the other languages read. */
static const char *const minor_words[] = {
    "a",  "an",  "the", "and",  "but",  "or",   "nor",  "for", "so",   "yet", "as",
    "at", "by",  "in",  "of",   "off",  "on",   "per",  "to",  "up",   "via", "with",
    "from", "into", "upon", "onto", "than", "de", "la", "le", "les", "des", "du",
    "et", "von", "und", "der", "die", "das", "el", "y", "del", "di", "e", "il",
};

/* Whether s[0..len) reads as a title: its first word and every word but the
 * minor ones capitalised; at most 12 words; no semicolon (a list or a
 * sentence's clauses); not ending with a comma or colon. */
static int S_title_words(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' '))
        len--;
    if (len == 0 || s[len - 1] == ',' || s[len - 1] == ';' || s[len - 1] == ':' ||
        memchr(s, ';', len))
        return 0;
    int words = 0, first = 1;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == ' ')
            i++;
        size_t w = i;
        while (i < len && s[i] != ' ')
            i++;
        if (i == w)
            break;
        words++;
        /* skip opening quotes and brackets */
        size_t c = w;
        while (c < i) {
            unsigned char ch = (unsigned char)s[c];
            if (ch == 0xE2 && c + 3 <= i)
                c += 3; /* a quote or dash */
            else if (ch < 0x80 && !isalnum(ch))
                c++;
            else
                break;
        }
        if (c >= i)
            continue;
        int lc = S_letter_case(s + c, i - c);
        if (lc == -1) {
            if (first)
                return 0;
            size_t wl = i - c;
            while (wl > 0 && !isalpha((unsigned char)s[c + wl - 1]))
                wl--;
            int minor = 0;
            for (size_t k = 0; k < QR_ARRAY_LEN(minor_words) && !minor; k++)
                minor = strlen(minor_words[k]) == wl && strncmp(s + c, minor_words[k], wl) == 0;
            if (!minor)
                return 0;
        }
        first = 0;
    }
    return words > 0 && words <= 12;
}

/* Whether s[0..len) has no lower-case letter and at least two upper-case ones. */
static int S_capitals(const char *s, size_t len)
{
    int upper = 0;
    for (size_t i = 0; i < len; i++) {
        int c = S_letter_case(s + i, len - i);
        if (c == -1)
            return 0;
        upper += c == 1;
    }
    return upper >= 2;
}

/* A dash, bracket or ornament around a lone numeral: "— I —", "-2-". */
static size_t S_decoration(const char *s, size_t len)
{
    if (len >= 3 && (qr_text_starts_with(s, len, "\xE2\x80\x94") ||
                     qr_text_starts_with(s, len, "\xE2\x80\x93")))
        return 3;
    return len > 0 && strchr("-*=~.:()", s[0]) ? 1 : 0;
}

/*
 * Judges a line by its words alone: its kind, the rule that says so
 * (static), and for a lone numeral its value.
 */
static qr_heading_kind S_judge(const char *s, size_t len, int *value, const char **rule)
{
    *value = 0;
    *rule = "no heading word";
    qr_text_trim_left(&s, &len);
    if (len == 0 || len > 160) {
        *rule = "too long";
        return QR_HEADING_NONE;
    }
    for (size_t k = 0; k < QR_ARRAY_LEN(part_words); k++)
        if (S_word_number(s, len, part_words[k])) {
            *rule = "part word and number";
            return QR_HEADING_PART;
        }
    for (size_t k = 0; k < QR_ARRAY_LEN(chapter_words); k++)
        if (S_word_number(s, len, chapter_words[k])) {
            *rule = "chapter word and number";
            return QR_HEADING_CHAPTER;
        }
    /* "FIRST EPILOGUE: 1813 - 20", "SECOND PART", "Third Book" */
    int roman;
    size_t n = S_number(s, len, &roman, value);
    if (n > 0 && !roman && !isdigit((unsigned char)s[0]) && n < len && s[n] == ' ' &&
        S_caps_or_title(s, n)) {
        const char *w = s + n + 1;
        size_t wl = len - n - 1;
        int part = S_starts_word_ci(w, wl, "EPILOGUE") && S_caps_or_title(w, 8);
        for (size_t k = 0; k < QR_ARRAY_LEN(part_words) && !part; k++)
            part = S_starts_word_ci(w, wl, part_words[k]) &&
                   S_caps_or_title(w, strlen(part_words[k]));
        if (part) {
            *rule = "ordinal and part word";
            *value = 0;
            return QR_HEADING_PART;
        }
        for (size_t k = 0; k < QR_ARRAY_LEN(chapter_words); k++)
            if (S_starts_word_ci(w, wl, chapter_words[k]) &&
                S_caps_or_title(w, strlen(chapter_words[k]))) {
                *rule = "ordinal and chapter word";
                *value = 0;
                return QR_HEADING_CHAPTER;
            }
    }
    /* "EPILOGUE", "Epilogue", "PREFACE.", "INTRODUCTION: THE LAND" */
    for (size_t k = 0; k < QR_ARRAY_LEN(lone_words); k++) {
        size_t wl = strlen(lone_words[k]);
        if (S_starts_word_ci(s, len, lone_words[k]) && S_caps_or_title(s, wl) &&
            (len == wl || ((s[wl] == '.' || s[wl] == ':') && len < wl + 60))) {
            *rule = S_RULE_LONE_WORD;
            *value = 0;
            return QR_HEADING_CHAPTER;
        }
    }
    /* a lone numeral, maybe between dashes: "II.", "— I —", "3."; a note's
     * call after it is no part of it ("272.[1]") */
    size_t a = 0, e = len - qr_text_note_call(s, len);
    for (size_t d; (d = S_decoration(s + a, e - a)) > 0;)
        a += d;
    while (a < e && s[a] == ' ')
        a++;
    while (e > a) {
        size_t d = 0;
        if (e - a >= 3 && (memcmp(s + e - 3, "\xE2\x80\x94", 3) == 0 ||
                           memcmp(s + e - 3, "\xE2\x80\x93", 3) == 0))
            d = 3;
        else if (strchr("-*=~.:() ", s[e - 1]))
            d = 1;
        if (!d)
            break;
        e -= d;
    }
    if (e > a) {
        int lv;
        size_t m = S_number(s + a, e - a, &roman, &lv);
        int decorated = a > 0 || e < len; /* a bare figure is a page's number */
        if (m == e - a && (roman ? isupper((unsigned char)s[a]) : isdigit((unsigned char)s[a])) &&
            (roman || decorated) && lv > 0) {
            *value = lv;
            *rule = "lone numeral";
            return QR_HEADING_SECTION;
        }
    }
    /* "I. A SCANDAL IN BOHEMIA", "I. The Period", "12. THE RETURN" */
    *value = 0;
    if (n > 0 && (roman ? isupper((unsigned char)s[0]) : isdigit((unsigned char)s[0])) &&
        n + 2 < len && s[n] == '.' && s[n + 1] == ' ') {
        const char *t = s + n + 2;
        size_t tl = len - n - 2;
        /* "L. V. BEETHOVEN.": a letter and a full stop over another are a
         * name's initials, not a numeral and its title */
        if (n == 1 && tl >= 2 && isupper((unsigned char)t[0]) && t[1] == '.') {
            *rule = S_RULE_INITIALS;
            return QR_HEADING_NONE;
        }
        if (S_capitals(t, tl)) {
            *rule = "numeral and title in capitals";
            return QR_HEADING_CHAPTER;
        }
        /* in title case only after a roman numeral: "19. See Chapter 7." is
         * a note in a numbered list */
        if (roman && S_title_words(t, tl) && tl < 80) {
            *rule = "numeral and title in title case";
            return QR_HEADING_CHAPTER;
        }
        *rule = "numeral and a sentence, not a title";
    }
    return QR_HEADING_NONE;
}

size_t qr_text_heading_pair(const char *s, size_t len)
{
    /* "ACT I. SCENE I.", "Actus Primus. Scoena Prima.": a part's label and
     * number alone, a full stop, then a chapter heading by its words */
    int value;
    const char *rule;
    for (size_t i = 1; i + 2 < len; i++) {
        if (s[i] != '.' || s[i + 1] != ' ')
            continue;
        size_t j = i + 1;
        while (j < len && s[j] == ' ')
            j++;
        if (S_judge(s, i + 1, &value, &rule) == QR_HEADING_PART &&
            strcmp(rule, "part word and number") == 0 && qr_text_bare_heading(s, i + 1) &&
            S_judge(s + j, len - j, &value, &rule) == QR_HEADING_CHAPTER &&
            strcmp(rule, "chapter word and number") == 0)
            return j;
    }
    return 0;
}

qr_heading_kind qr_text_heading_kind(const char *s, size_t len)
{
    int value;
    const char *rule;
    return S_judge(s, len, &value, &rule);
}

/* Whether the block is an ornament line: "* * *", "***", "#", "~~~". */
static int S_is_break_line(const reader *r, const block *b)
{
    if (b->first != b->last)
        return 0;
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    if (l == 0 || l > 40)
        return 0;
    int marks = 0;
    for (size_t i = 0; i < l;) {
        int n;
        uint32_t c = qr_text_cp_at(t, l, i, &n);
        i += (size_t)n;
        if (c == '*' || c == '#' || c == '~' || c == 0x2042 || c == 0x2022 || c == 0xB7 ||
            c == 0x2217 || c == 0x2756)
            marks++;
        else if (c != ' ' && c != 0x3000)
            return 0;
    }
    return marks >= 1 && (marks >= 3 || l <= 3 || t[0] == '#');
}

/*
 * Whether a heading's normalised text `key` (len bytes; `capitals`: in
 * capitals) is the contents entry: the
 * same; for a heading that is a number alone, an entry opening with that
 * number ("217." for "217. To the Same": the contents' own shorthand for
 * its title); or, for a one-word heading in capitals, the entry's first word
 * ("EXTRACTS." for "EXTRACTS (Supplied by a Sub-Sub-Librarian).").
 */
int qr_text_entry_matches(const char *key, size_t len, int capitals, const char *entry)
{
    if (strcmp(key, entry) == 0)
        return 1;
    size_t d = 0;
    while (d < len && isdigit((unsigned char)key[d]))
        d++;
    if (d > 0 && d == len && strncmp(key, entry, len) == 0 && entry[len] == ' ')
        return 1;
    if (!capitals || len < 4 || memchr(key, ' ', len) || strncmp(key, entry, len) != 0 ||
        (entry[len] != ' ' && entry[len] != '('))
        return 0;
    return 1;
}

void qr_text_note(reader *r, int line_no, const char *fmt, ...)
{
    if (qr_log_level() < QR_LOG_VERBOSE)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->notes = xrealloc(r->notes, sizeof *r->notes * (size_t)(r->n_notes + 1));
    r->notes[r->n_notes].line = line_no;
    r->notes[r->n_notes].seq = r->n_notes;
    r->notes[r->n_notes].msg = xstrndup(msg, strlen(msg));
    r->n_notes++;
}

static int S_note_cmp(const void *a, const void *b)
{
    const struct text_note *x = a, *y = b;
    return x->line != y->line ? (x->line > y->line) - (x->line < y->line)
                              : (x->seq > y->seq) - (x->seq < y->seq);
}

void qr_text_drop_notes(reader *r)
{
    for (int i = 0; i < r->n_notes; i++)
        free(r->notes[i].msg);
    free(r->notes);
    r->notes = NULL;
    r->n_notes = 0;
}

void qr_text_flush_notes(reader *r)
{
    if (r->n_notes > 0)
        qsort(r->notes, (size_t)r->n_notes, sizeof *r->notes, S_note_cmp);
    for (int i = 0; i < r->n_notes; i++)
        qr_note("%s:%d: %s", r->file, r->notes[i].line, r->notes[i].msg);
    qr_text_drop_notes(r);
}

/* Notes a decision on block b with its first line and rule. */
static void S_why(reader *r, const block *b, const char *what, const char *rule)
{
    if (qr_log_level() < QR_LOG_VERBOSE)
        return;
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    size_t shown = l;
    if (shown > 60) {
        shown = 60;
        while (shown > 0 && ((unsigned char)t[shown] & 0xC0) == 0x80)
            shown--;
    }
    qr_text_note(r, r->lines[b->first].no, "%s: \"%.*s%s\" (%s)", what, (int)shown, t,
                 shown < l ? "..." : "", rule);
}

int qr_text_bare_heading(const char *s, size_t len)
{
    int words = 0;
    len -= qr_text_note_call(s, len);
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == ' ')
            i++;
        size_t w = i;
        while (i < len && s[i] != ' ')
            i++;
        size_t e = i;
        /* trailing punctuation and dashes: "FIRST.", "— I —" */
        while (e > w && strchr(".:,;-*", s[e - 1]))
            e--;
        while (e >= w + 3 && (memcmp(s + e - 3, "\xE2\x80\x94", 3) == 0 ||
                              memcmp(s + e - 3, "\xE2\x80\x93", 3) == 0))
            e -= 3;
        while (w < e && strchr("-*", s[w]))
            w++;
        if (e == w)
            continue;
        words++;
        int roman, value, label = e - w == 3 && strncasecmp(s + w, "THE", 3) == 0;
        for (size_t k = 0; k < QR_ARRAY_LEN(part_words) && !label; k++)
            label = strlen(part_words[k]) == e - w && S_starts_word_ci(s + w, e - w, part_words[k]);
        for (size_t k = 0; k < QR_ARRAY_LEN(chapter_words) && !label; k++)
            label = strlen(chapter_words[k]) == e - w &&
                    S_starts_word_ci(s + w, e - w, chapter_words[k]);
        if (!label && S_number(s + w, e - w, &roman, &value) != e - w)
            return 0;
    }
    return words > 0;
}

/* Whether block k reads as the title under a heading line: one or two short
 * lines, in capitals or title case, not a sentence, not in _italics_ (an
 * address or an epigraph), not a stage direction ("Enter Laertes and
 * Ophelia." under a scene's heading). */
static int S_is_heading_title(reader *r, int k)
{
    const block *b = &r->blocks[k];
    if (b->last - b->first > 1)
        return 0;
    for (int i = b->first; i <= b->last; i++)
        if (qr_text_width(r->lines[i].s, r->lines[i].len) > 70)
            return 0;
    qr_buf_reset(&r->tmp);
    qr_text_block_joined(r, b, &r->tmp);
    const char *t = r->tmp.ptr;
    size_t l = r->tmp.len;
    if (l == 0 || t[0] == '_' || t[0] == '[')
        return 0;
    if (qr_text_dateline(t, l)) /* a letter's dateline: "Vienna, May 4, 1810." */
        return 0;
    if (qr_text_stage_word(t, l))
        return 0;
    return S_capitals(t, l) || S_title_words(t, l);
}

#define S_RULE_PATTERN "book.yaml headings pattern"
#define S_RULE_LINES "book.yaml headings lines"

/*
 * The author's heading rule (book.yaml) block b answers to: its level (1
 * or 2), and the rule's name in *rule; 0 when none does. The candidate is
 * the block's first line, trimmed; a block of more than two lines is text.
 */
static int S_author_rule(reader *r, const block *b, const char **rule)
{
    const qr_heading_rules *hr = r->rules;
    if (!hr || hr->n == 0 || b->last - b->first > 1)
        return 0;
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    if (l == 0)
        return 0;
    qr_buf_reset(&r->tmp);
    qr_buf_add(&r->tmp, t, l);
    for (int i = 0; i < hr->n; i++) {
        const qr_heading_rule *h = &hr->rules[i];
        if (h->pattern && regexec(&r->regs[i], r->tmp.ptr, 0, NULL, 0) == 0) {
            *rule = S_RULE_PATTERN;
            return h->level;
        }
        for (int j = 0; j < h->n_lines; j++) {
            const char *w = h->lines[j];
            size_t wl = strlen(w);
            qr_text_trim_left(&w, &wl);
            while (wl > 0 && (w[wl - 1] == ' ' || w[wl - 1] == '\t'))
                wl--;
            if (wl == l && memcmp(w, t, l) == 0) {
                *rule = S_RULE_LINES;
                return h->level;
            }
        }
    }
    return 0;
}

/* Whether block k stands inside a sentence: the block before ends on a
 * word, a comma or a hyphen, and the one after goes on in lower case (a
 * page's number left in the text). */
static int S_in_sentence(const reader *r, int k)
{
    if (k == 0 || k + 1 >= r->n_blocks)
        return 0;
    size_t pl, nl;
    const char *p = qr_text_line(r, r->blocks[k - 1].last, &pl);
    const char *n = qr_text_line(r, r->blocks[k + 1].first, &nl);
    if (pl == 0 || nl == 0)
        return 0;
    unsigned char e = (unsigned char)p[pl - 1];
    return (islower(e) || e == ',' || e == '-') && islower((unsigned char)n[0]);
}

/* The value of the next lone numeral after block k, before a heading of
 * a part or chapter (a word that heads a piece apart), or 0. */
static int S_next_lone(const block_kind *kinds, const int *lone, const char *lone_word, int n,
                       int k)
{
    for (int j = k + 1; j < n; j++) {
        if (lone[j])
            return lone[j];
        if (kinds[j] == B_PART || (kinds[j] == B_CHAPTER && !lone_word[j]))
            return 0;
    }
    return 0;
}

/*
 * Classifies each block. A heading is a short block that either matches the
 * next entries of the printed contents or reads as a heading by its words
 * and its place (see the opening comment).
 */
void qr_text_classify(reader *r, block_kind *kinds)
{
    int *lone = xcalloc((size_t)r->n_blocks + 1, sizeof(int));
    char *lone_word = xcalloc((size_t)r->n_blocks + 1, 1);
    char *author = xcalloc((size_t)r->n_blocks + 1, 1); /* decided by book.yaml */
    char *named = xcalloc((size_t)r->n_blocks + 1, 1);  /* a lone numeral the contents names */
    int builtin = !(r->rules && r->rules->builtin_off);
    for (int k = 0; k < r->n_blocks; k++) {
        if (kinds[k] == B_SKIP)
            continue;
        const block *b = &r->blocks[k];
        int nlines = b->last - b->first + 1;
        /* the author's rules first: they fix what the built-in ones miss */
        const char *arule;
        int level = S_author_rule(r, b, &arule);
        if (level > 0) {
            kinds[k] = level == 1 ? B_CHAPTER : B_SECTION;
            author[k] = 1;
            S_why(r, b, level == 1 ? "chapter heading" : "section heading", arule);
            /* the printed contents may name it too: its next entries follow */
            if (r->n_entries > 0 && k >= r->contents_end) {
                qr_buf key = QR_BUF_INIT;
                qr_buf_reset(&r->tmp);
                qr_text_block_joined(r, b, &r->tmp);
                qr_text_normalize(r->tmp.ptr, r->tmp.len, &key);
                for (int j = r->next_entry; j < r->n_entries && j < r->next_entry + 8; j++)
                    if (strcmp(key.ptr, r->entries[j]) == 0) {
                        r->next_entry = j + 1;
                        break;
                    }
                qr_buf_release(&key);
            }
            continue;
        }
        if (S_is_break_line(r, b)) {
            kinds[k] = B_BREAK;
            continue;
        }
        if (nlines > 3 || !builtin)
            continue;
        qr_buf_reset(&r->tmp);
        qr_text_block_joined(r, b, &r->tmp);
        if (r->tmp.len > 200)
            continue;
        /* the printed contents names it */
        if (r->n_entries > 0 && k >= r->contents_end) {
            qr_buf key = QR_BUF_INIT;
            qr_text_normalize(r->tmp.ptr, r->tmp.len, &key);
            int capitals = 1;
            for (size_t i = 0; i < r->tmp.len; i++)
                if (islower((unsigned char)r->tmp.ptr[i]))
                    capitals = 0;
            int match = -1;
            for (int j = r->next_entry; j < r->n_entries && j < r->next_entry + 8; j++) {
                if (qr_text_entry_matches(key.ptr, key.len, capitals, r->entries[j])) {
                    match = j;
                    break;
                }
            }
            /* a bare heading line whose title is the next block: "CHAPTER
             * THE SECOND." over "OF THE KEEPER." */
            if (match < 0 && k + 1 < r->n_blocks && nlines == 1 && kinds[k + 1] != B_SKIP) {
                size_t l;
                const char *t = qr_text_line(r, b->first, &l);
                if (qr_text_bare_heading(t, l) && S_is_heading_title(r, k + 1)) {
                    qr_buf_reset(&r->tmp);
                    qr_text_block_joined(r, b, &r->tmp);
                    qr_buf_addc(&r->tmp, ' ');
                    qr_text_block_joined(r, &r->blocks[k + 1], &r->tmp);
                    qr_buf_reset(&key);
                    qr_text_normalize(r->tmp.ptr, r->tmp.len, &key);
                    for (int j = r->next_entry; j < r->n_entries && j < r->next_entry + 8; j++)
                        if (strcmp(key.ptr, r->entries[j]) == 0) {
                            match = j;
                            break;
                        }
                }
            }
            qr_buf_release(&key);
            if (match >= 0) {
                for (int j = r->next_entry; j < match; j++)
                    qr_text_note(r, r->lines[b->first].no,
                                 "contents entry \"%s\" has no heading before here: the text "
                                 "wins",
                                 r->entries[j]);
                r->next_entry = match + 1;
                size_t l;
                int value;
                const char *rule;
                const char *t = qr_text_line(r, b->first, &l);
                qr_heading_kind hk = S_judge(t, l, &value, &rule);
                /* a numbered piece ("216." over "TO STEINER & CO."): its
                 * place among the numbers, below, says its level */
                if (hk == QR_HEADING_SECTION && nlines == 1) {
                    lone[k] = value;
                    named[k] = 1;
                    continue;
                }
                kinds[k] = hk == QR_HEADING_PART ? B_PART : B_CHAPTER;
                S_why(r, b, hk == QR_HEADING_PART ? "part heading" : "chapter heading",
                      "named by the contents");
                continue;
            }
        }
        /* its words say so: a heading line, and at most one more line */
        size_t l;
        int value;
        const char *rule;
        const char *t = qr_text_line(r, b->first, &l);
        qr_heading_kind hk = S_judge(t, l, &value, &rule);
        if (hk == QR_HEADING_NONE) {
            if (strncmp(rule, "numeral and", 11) == 0 || strcmp(rule, S_RULE_INITIALS) == 0)
                S_why(r, b, "not a heading", rule);
            continue;
        }
        if (nlines > 2 || r->lines[b->first].len > 100) {
            S_why(r, b, "not a heading", "a heading's words in a block too long for one");
            continue;
        }
        if (k > 0 && qr_text_runs_into(r, &r->blocks[k - 1], b, strncmp(rule, "numeral", 7) == 0)) {
            S_why(r, b, "not a heading", "the sentence before runs on into it: a signature");
            continue;
        }
        if (hk == QR_HEADING_SECTION) {
            if (nlines == 1 && S_in_sentence(r, k))
                S_why(r, b, "not a heading", "a number the sentence runs on across: a page's");
            else if (nlines == 1)
                lone[k] = value;
            else
                S_why(r, b, "not a heading", "a lone numeral with text under it");
            continue;
        }
        kinds[k] = hk == QR_HEADING_PART ? B_PART : B_CHAPTER;
        lone_word[k] = strcmp(rule, S_RULE_LONE_WORD) == 0;
        if (r->n_entries > 0 && r->next_entry > 0)
            qr_text_note(r, r->lines[b->first].no,
                         "a heading the contents does not name: the text wins");
        S_why(r, b, hk == QR_HEADING_PART ? "part heading" : "chapter heading", rule);
        if (hk == QR_HEADING_PART && nlines == 1 && qr_text_heading_pair(t, l))
            S_why(r, b, "two headings", "a part's label and number, then a chapter's");
    }
    /* A heading straight followed by a chapter heading groups chapters: a part
     * ("FIRST EPILOGUE" then "CHAPTER I"). */
    for (int k = 0; k + 1 < r->n_blocks; k++)
        if (kinds[k] == B_CHAPTER && kinds[k + 1] == B_CHAPTER && !author[k] && builtin) {
            size_t l;
            const char *t = qr_text_line(r, r->blocks[k + 1].first, &l);
            const char *u;
            size_t ul;
            u = qr_text_line(r, r->blocks[k].first, &ul);
            if (S_word_number(t, l, "CHAPTER") && !S_word_number(u, ul, "CHAPTER")) {
                kinds[k] = B_PART;
                S_why(r, &r->blocks[k], "part heading", "a heading over chapters");
            }
        }
    /* Lone numerals in runs: each one more than the last, or one that the
     * next lone numeral continues (1 then 2, 216 then 217): numbers that
     * run on are a book's numbered pieces, where a year or an index's
     * letter stands alone once. Under a chapter heading they head its
     * sections; with none, they head the chapters. A word that heads a
     * piece ("POSTSCRIPT.") between two numbers of a run belongs to the
     * piece before it: a section of it. */
    int last = 0, in_chapter = 0;
    for (int k = 0; k < r->n_blocks; k++) {
        if (kinds[k] == B_CHAPTER && lone_word[k] && last > 0 && !author[k] &&
            S_next_lone(kinds, lone, lone_word, r->n_blocks, k) == last + 1) {
            kinds[k] = B_SECTION;
            S_why(r, &r->blocks[k], "section heading",
                  "a word that heads a piece, inside a numbered piece");
            continue;
        }
        if (kinds[k] == B_PART)
            in_chapter = last = 0;
        else if (kinds[k] == B_CHAPTER) {
            in_chapter = 1;
            last = 0;
        }
        if (!lone[k])
            continue;
        int ok = (last > 0 && lone[k] == last + 1) || named[k] ||
                 S_next_lone(kinds, lone, lone_word, r->n_blocks, k) == lone[k] + 1;
        if (!ok) {
            char why[64];
            snprintf(why, sizeof why, "a lone numeral out of sequence: %d after %d", lone[k],
                     last);
            S_why(r, &r->blocks[k], "not a heading", why);
            continue;
        }
        last = lone[k];
        kinds[k] = in_chapter ? B_SECTION : B_CHAPTER;
        S_why(r, &r->blocks[k], in_chapter ? "section heading" : "chapter heading",
              named[k] ? "a lone numeral named by the contents" : "a lone numeral in sequence");
    }
    /* A title block straight under a heading line that is only a number is
     * the heading's second line. */
    for (int k = 0; k + 2 < r->n_blocks; k++) {
        if ((kinds[k] != B_PART && kinds[k] != B_CHAPTER && kinds[k] != B_SECTION) ||
            r->blocks[k].first != r->blocks[k].last)
            continue;
        /* "CHAPITRE XXIII" over "CONCLUSION.": a word that heads a piece
         * alone is the title of the chapter heading straight over it */
        if (kinds[k] == B_CHAPTER && kinds[k + 1] == B_CHAPTER && lone_word[k + 1] &&
            !author[k + 1])
            kinds[k + 1] = B_PARA;
        if (kinds[k + 1] != B_PARA)
            continue;
        size_t l;
        const char *t = qr_text_line(r, r->blocks[k].first, &l);
        if (!qr_text_bare_heading(t, l) || !S_is_heading_title(r, k + 1))
            continue;
        kinds[k + 1] = B_TITLE;
        S_why(r, &r->blocks[k + 1], "the heading's title", "a title under a heading line");
    }
    free(lone);
    free(lone_word);
    free(author);
    free(named);
}
