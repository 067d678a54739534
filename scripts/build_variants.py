"""Build index/data/st_variants.tsv from OpenCC's STCharacters.txt.

Usage: python scripts/build_variants.py path/to/STCharacters.txt

STCharacters.txt (OpenCC, Apache-2.0; shipped in the opencc-python-reimplemented
wheel under opencc/dictionary/) lists each simplified character with its traditional
forms. We keep the lines with more than one form: those are the characters whose
traditional spelling depends on the phrase (复 -> 復, 複 or 覆; 干 -> 幹 or 乾), which a
character-by-character t2s conversion cannot undo. Folding every listed form to the
simplified character makes 國務院批覆 find 国务院批复.
"""
from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "index" / "data" / "st_variants.tsv"


def main(source: str) -> None:
    rows = []
    for line in Path(source).read_text(encoding="utf-8").splitlines():
        simplified, _, forms = line.partition("\t")
        forms = forms.split()
        if len(simplified) == 1 and len(forms) > 1:
            rows.append(f"{simplified}\t{' '.join(forms)}")
    header = ("# simplified<TAB>traditional forms; derived from OpenCC STCharacters.txt "
              "(Apache-2.0) by scripts/build_variants.py\n")
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
