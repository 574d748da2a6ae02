"""Which ICU data the Linux bundle drops (build/shrink_icu.py); the frozen self-test checks the rest."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "build"))
from shrink_icu import items_to_remove

KEPT = ["root.res", "pool.res", "res_index.res", "en.res", "en_US.res", "es.res", "es_419.res",
        "coll/root.res", "coll/es.res", "coll/ucadata.icu", "likelySubtags.res",
        "supplementalData.res", "zoneinfo64.res", "cnvalias.icu", "nfkc.nrm", "brkitr/line.brk",
        "brkitr/en.res", "curr/es_MX.res", "zone/en_GB.res"]
DROPPED = ["fr.res", "de_.res", "zh_Hant_TW.res", "coll/de.res", "curr/ja.res", "unit/vi.res",
           "brkitr/thaidict.dict", "translit/root.res", "ibm-1390_P110-2003.cnv", "gb18030.cnv"]


def test_english_spanish_and_shared_data_are_kept_the_rest_dropped() -> None:
    assert items_to_remove(KEPT + DROPPED) == DROPPED
