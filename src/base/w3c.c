/* w3c.c: the shapes of a language tag and of a date, as EPUB asks them. */
#include <stdlib.h>
#include <string.h>

#include "base.h"

int qr_lang_tag_ok(const char *s)
{
    /* BCP 47 (RFC 5646) 2.1: subtags of 1-8 letters or digits joined by
     * hyphens, the first (the language) of 2-8 letters. A shape check only. */
    size_t run = 0;
    int first = 1;
    if (!s)
        return 0;
    for (const char *p = s;; p++) {
        char ch = *p;
        int alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (alpha || (!first && ch >= '0' && ch <= '9')) {
            if (++run > 8)
                return 0;
        } else if (ch == '-' || ch == '\0') {
            if (run == 0 || (first && run < 2))
                return 0;
            if (ch == '\0')
                return 1;
            run = 0;
            first = 0;
        } else {
            return 0;
        }
    }
}

static int S_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int qr_w3c_date_ok(const char *s)
{
    /* W3CDTF without a time (the form EPUB 3.3 asks of dc:date): YYYY,
     * YYYY-MM, YYYY-MM-DD, the day within its month (29 February in leap
     * years only). */
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = s ? strlen(s) : 0;
    if (!(len == 4 || len == 7 || len == 10) || !S_digits(s, 4))
        return 0;
    if (len == 4)
        return 1;
    if (s[4] != '-' || !S_digits(s + 5, 2))
        return 0;
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    if (month < 1 || month > 12)
        return 0;
    if (len == 7)
        return 1;
    if (s[7] != '-' || !S_digits(s + 8, 2))
        return 0;
    int year = atoi(s);
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day >= 1 && day <= (month == 2 && !leap ? 28 : mdays[month - 1]);
}
