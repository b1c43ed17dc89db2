"""Population of each municipality (2020 census, rounded), for splitting costs by population.

Used when the reference data has no population for a municipality (`Municipality.population` wins when an
administrator filled it in). Source: 令和2年国勢調査 (Statistics Bureau of Japan), figures rounded to tens.
"""
from __future__ import annotations

CENSUS_2020: dict[str, int] = {
    "13101": 66680, "13102": 169180, "13103": 260490, "13104": 349390, "13105": 240070, "13106": 211440,
    "13107": 272090, "13108": 524310, "13109": 422490, "13110": 288090, "13111": 748080, "13112": 943660,
    "13113": 243880, "13114": 344880, "13115": 591110, "13116": 301600, "13117": 355210, "13118": 217480,
    "13119": 584480, "13120": 752610, "13121": 695040, "13122": 453090, "13123": 697930,
    "13201": 579360, "13202": 185090, "13203": 150150, "13204": 195390, "13205": 131060, "13206": 262790,
    "13207": 113950, "13208": 242610, "13209": 431080, "13210": 126070, "13211": 198740, "13212": 186280,
    "13213": 151820, "13214": 129240, "13215": 77130, "13218": 56410, "13219": 83450, "13220": 83900,
    "13221": 74860, "13222": 116630, "13223": 70830, "13224": 146950, "13225": 93150, "13227": 54330,
    "13228": 80460, "13229": 205720,
    "13303": 32950, "13305": 16650, "13307": 2190, "13308": 4750,
    "13361": 7110, "13362": 330, "13363": 2420, "13364": 1860, "13381": 2270, "13382": 320,
    "13401": 7040, "13402": 170, "13421": 2930,
}


def population_of(municipality) -> int | None:
    """The municipality's population: the reference data's figure, else the 2020 census."""
    return municipality.population or CENSUS_2020.get(municipality.code)
