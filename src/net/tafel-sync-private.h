/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-sync.h"

G_BEGIN_DECLS

/* For tests: how many bytes of RUN frames may wait for the verifier
 * before the channel holds back more (@high), and how few before it lets
 * them come again (@low). */
void tafel_sync_set_inbox_water (TafelSync *self,
                                 gsize      high,
                                 gsize      low);

G_END_DECLS
