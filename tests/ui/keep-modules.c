/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Preloaded into the app under AddressSanitizer by ui-lib.sh: modules stay
 * mapped until the process exits. Mesa unloads its software GL driver
 * (swrast_dri.so) when GTK closes the display; LeakSanitizer then reports
 * the driver's static data as a leak from "<unknown module>", which no
 * suppression can name. With the module kept, that memory is reachable and
 * leaks of our own code are still reported. */

int dlclose (void *handle);

int
dlclose (void *handle)
{
  (void) handle;
  return 0;
}
