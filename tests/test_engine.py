"""The geoparsing engine on hard cases: context, demonyms, names inside names, offsets."""

from __future__ import annotations

import pytest

import geomap
from geomap.measure import distance_m


def km(t, lat, lon):
    return float(distance_m(t.place.lat, t.place.lon, lat, lon)) / 1000


def by_text(toponyms):
    return {t.text: t for t in toponyms}


def test_el_amria_tunisia_not_algeria():
    found = by_text(geomap.geoparse("Clashes broke out in El Amria, near Ben Guerdane, as militants crossed "
                                    "from Libya into Tunisia."))
    t = found["El Amria"]
    assert t.place.country_code == "TN" and t.precision == 2
    assert any(c.country_code == "DZ" for c in t.runner_up) or t.place.source_id == "sup:el-amria-tn"


def test_el_amria_alone_in_algeria_context():
    found = by_text(geomap.geoparse("Farmers in El Amria, in Algeria's Ain Temouchent province, harvested grapes. "
                                    "Oran and Algeria's west were hit by drought."))
    assert found["El Amria"].place.country_code == "DZ"


def test_demonym_resolves_to_its_country_and_is_flagged():
    (t,) = [t for t in geomap.geoparse("Tunisian troops were deployed.") if t.text == "Tunisian"]
    assert t.kind == "demonym" and t.place.source_id == "country:TN"


def test_country_name_means_the_country_not_a_town():
    found = by_text(geomap.geoparse("Exports from China to Russia rose."))
    assert found["China"].place.feature == "country" and found["China"].place.country_code == "CN"
    assert found["Russia"].place.country_code == "RU"


def test_name_inside_a_longer_name_is_not_matched_alone():
    spans = [(t.start, t.end, t.text) for t in geomap.geoparse("Militants attacked Ben Guerdane on Monday.")]
    assert spans == [(19, 31, "Ben Guerdane")]


@pytest.mark.parametrize(
    "text",
    ["Prime Minister Habib Essid spoke.", "Noureddine Chouchane was targeted.", "On Monday, March 7, nothing.",
     "The Army and the National Guard patrolled.", "Reuters reported it."],
)
def test_people_dates_and_organisations_are_not_places(text):
    assert geomap.geoparse(text) == []


def test_offsets_are_exact_and_possessives_trimmed():
    text = "Libya's western government and Tunisia’s army met in Tripoli."
    found = geomap.geoparse(text)
    assert [t.text for t in found] == ["Libya", "Tunisia", "Tripoli"]
    for t in found:
        assert text[t.start:t.end] == t.text


def test_acronyms_with_periods_keep_them():
    found = [t.text for t in geomap.geoparse("U.S. and U.K. trainers arrived.")]
    assert found == ["U.S.", "U.K."]


@pytest.mark.parametrize("text", [
    "Miss Cordiner said she hoped the fund would grow.",      # a title, not "Miss." (Mississippi)
    "I'll be there, she told the crowd in the square.",       # a contraction, not "Ill." (Illinois)
    "Crews had to wash Mass vestments and Ark models.",       # words, not "Mass.", "Ark."
])
def test_an_abbreviation_without_its_period_is_no_state(text):
    assert [t.place.country_code for t in geomap.geoparse(text) if t.place.feature == "admin1"] == []


def test_an_abbreviation_with_its_period_is_the_state():
    found = geomap.geoparse("Police in Jackson, Miss., and Springfield, Ill., said on Monday the roads were closed.")
    states = [(t.text, t.place.source_id) for t in found if t.place.feature == "admin1"]
    assert states == [("Miss.", "admin1:US-MS"), ("Ill.", "admin1:US-IL")]


def test_tripoli_follows_context():
    ly = by_text(geomap.geoparse("Fighting in Libya spread from Benghazi to Tripoli."))["Tripoli"]
    lb = by_text(geomap.geoparse("In Lebanon, protesters in Beirut and Tripoli marched."))["Tripoli"]
    assert ly.place.country_code == "LY" and lb.place.country_code == "LB"


def test_context_argument():
    t = geomap.geoparse("Officials in Tripoli said.", context="LB")[0]
    assert t.place.country_code == "LB"


def test_resolve_spans_keeps_order_and_resolves_known_spans():
    text = "Sabratha and Ben Guerdan."
    res = geomap.resolve_spans(text, [(13, 24), (0, 8)])
    assert [t.text for t in res] == ["Ben Guerdan", "Sabratha"]
    assert km(res[0], 33.138, 11.220) < 2 and km(res[1], 32.793, 12.488) < 2


def test_geodataframe_form():
    from geomap.engine import geoparse_frame

    gdf = geoparse_frame("Clashes in Ben Guerdane, Tunisia.")
    assert str(gdf.crs) == "EPSG:4326"
    assert list(gdf["text"]) == ["Ben Guerdane", "Tunisia"]
    assert gdf.geometry.iloc[0].x == pytest.approx(11.2197, abs=1e-3)  # lon first


def test_empty_and_hostile_input():
    assert geomap.geoparse("") == [] and geomap.geoparse("   ") == []
    assert geomap.geoparse("<script>alert(1)</script> {{7*7}}") == []


# -- relative locations ------------------------------------------------------------------------

def rel(text):
    from geomap.engine import relative_locations

    return {r.phrase: r for r in relative_locations(text)}


def test_distance_from_a_town_is_a_circle_round_it():
    r = rel("Militants clashed with the army in El Amria, 5 km from Ben Guerdane.")["5 km from Ben Guerdane"]
    assert r.precision == 2 and r.relation == "distance" and r.distance_km == 5
    assert abs(r.lat - 33.138) < 0.01 and 5_000 <= r.radius_m <= 7_000


def test_distance_with_a_bearing_moves_the_centre():
    r = rel("Fighting broke out 30 km north of Sabratha.")["30 km north of Sabratha"]
    moved = float(distance_m(r.lat, r.lon, 32.793, 12.488)) / 1000
    assert 29 < moved < 31 and r.lat > 32.793


def test_near_the_libyan_border_is_a_band_along_the_border():
    r = rel("Tunisian troops searched for jihadists near the Libyan border.")["near the Libyan border"]
    assert r.relation == "border:TN-LY" and r.precision == 2
    assert r.geometry is not None and r.geometry.contains(__import__("shapely").Point(11.4, 33.0))


def test_part_of_the_country_and_outskirts():
    found = rel("The attack in Ben Guerdane, in the southeast of the country, failed. Clashes continued on the "
                "outskirts of Ben Guerdane.")
    part = found["in the southeast of the country"]
    assert part.precision == 3 and part.relation == "part:southeast"
    assert part.lat < 34.0 and part.lon > 9.0  # south-east of Tunisia's centre
    assert found["on the outskirts of Ben Guerdane"].radius_m <= 10_000


def test_distance_to_a_country_is_not_an_area():
    assert rel("The city lies just 100 kilometres (62 miles) from Tunisia's border.") == {}


def test_a_close_transliteration_vouches_for_its_country():
    """Medenine is placed even though the text names only Libya: "Ben Guerdane" (≈ Ben Gardane) is in Tunisia."""
    found = by_text(geomap.geoparse("Ben Guerdane (Medenine Governorate) is the commercial hub of the region "
                                    "bordering Libya."))
    assert found["Medenine"].place.country_code == "TN"


def test_a_unique_faraway_name_does_not_vouch_for_itself():
    """"Choucha" is only in GeoNames as an alias of Shusha, Azerbaijan: not a place in a Tunisian story."""
    found = by_text(geomap.geoparse("Refugees from Libya reached Choucha camp near Ben Guerdane in Tunisia."))
    assert "Choucha" not in found


@pytest.mark.parametrize(
    ("text", "feature", "cc"),
    [
        ("Atlanta and Savannah officials said Georgia will expand Medicaid, unlike Alabama and Florida.", "admin1", "US"),
        ("Russian tanks moved from South Ossetia toward Tbilisi as Georgia appealed to the European Union and "
         "Russia refused talks.", "country", "GE"),
    ],
)
def test_georgia_state_or_country_by_context(text, feature, cc):
    t = by_text(geomap.geoparse(text))["Georgia"]
    assert (t.place.feature, t.place.country_code) == (feature, cc)


def test_washington_and_paris_texas_by_context():
    found = by_text(geomap.geoparse("Paris, Texas, is a small town in Lamar County, northeast of Dallas."))
    assert found["Paris"].place.country_code == "US" and km(found["Paris"], 33.66, -95.56) < 30
    found = by_text(geomap.geoparse("Tourists in France visit Paris and Lyon."))
    assert found["Paris"].place.country_code == "FR"


# -- spatial coherence, regions, detection cues -------------------------------------------------


def test_two_ambiguous_names_pick_the_pair_that_lies_together():
    """Athens (GA, OH, AL, TN, TX...) and Henderson County (NC, KY, TX, TN, IL): only Texas has both."""
    found = by_text(geomap.geoparse("The Athens Police Department arrested a man who was booked into the "
                                    "Henderson County Jail on Tuesday."))
    assert km(found["Athens"], 32.20, -95.86) < 20
    assert km(found["Henderson County"], 32.20, -95.84) < 40


def test_a_big_city_by_its_own_name_beats_a_village_that_has_it_as_an_alias():
    text = ("Russia warned Georgia again. The interview, recorded in Paris, was aired in Tbilisi. "
            "Russia and Georgia fought in August; Russia keeps troops there.")
    start = text.index("Paris")
    (t,) = geomap.resolve_spans(text, [(start, start + 5)])
    assert t.place.country_code == "FR"  # not Parizh (RU), which GeoNames also calls "Paris"


@pytest.mark.parametrize("name, lat, lon", [("Darfur", 13.0, 25.0), ("Black Sea", 43.5, 34.5),
                                            ("Middle East", 29.0, 41.0)])
def test_regions_and_seas_that_are_no_administrative_unit(name, lat, lon):
    t = by_text(geomap.geoparse(f"Aid agencies working in the {name} warned of shortages."))[name]
    assert t.precision == 3 and km(t, lat, lon) < 50


def test_a_state_modifying_an_organisation_is_a_place():
    found = by_text(geomap.geoparse("Crews from the Texas Forest Service and the Ohio Supreme Court clerk said so."))
    assert found["Texas"].place.feature.startswith("admin1") and found["Ohio"].place.country_code == "US"


def test_spans_widen_to_what_the_text_names():
    text = "He moved from Lexington, Ky. to South Charleston and fished the Neches River in West Virginia."
    spans = {t.text for t in geomap.geoparse(text)}
    assert {"Ky.", "South Charleston", "Neches River", "West Virginia"} <= spans
    assert not {"Ky", "Charleston", "Neches", "Virginia"} & spans


def test_dotted_state_abbreviations_and_datelines():
    spans = {t.text for t in geomap.geoparse("CHARLESTON, W.Va. -- Officials in Washington, D.C., and the "
                                             "S.C. Highway Patrol agreed.")}
    assert {"CHARLESTON", "W.Va.", "D.C.", "S.C."} <= spans


@pytest.mark.parametrize("text, name, is_place", [
    ("Commissioner Bob Turner and Ann Ripley voted against the Commerce plan.", "Ripley", False),
    ("The Commerce plan passed the Senate.", "Commerce", False),
    ("The fair was held in Ripley on Saturday.", "Ripley", True),
    ("Ripley, Miss., held a fair.", "Ripley", True),
])
def test_frequent_words_and_surnames_need_a_cue_to_be_small_towns(text, name, is_place):
    assert (name in by_text(geomap.geoparse(text))) is is_place


# -- a name and its region: "London, Ontario", "Washington state" ------------------------------


@pytest.mark.parametrize("text, name, lat, lon", [
    ("The store opened in London, Ontario, on Monday.", "London", 42.98, -81.23),
    ("Flights from London, England, were cancelled.", "London", 51.51, -0.13),
    ("She lives in Ontario, California, near the airport.", "Ontario", 34.06, -117.65),
    ("A patient was admitted to a hospital in Washington, D.C. after showing symptoms.", "Washington", 38.90, -77.04),
    ("The statue was shipped from Alexandria, Egypt, last year.", "Alexandria", 31.20, 29.92),
])
def test_a_name_followed_by_its_region_is_inside_it(text, name, lat, lon):
    assert km(by_text(geomap.geoparse(text))[name], lat, lon) < 30


def test_a_list_of_names_is_no_name_and_its_region():
    found = by_text(geomap.geoparse("Cases were reported in Texas, Oklahoma and Kansas."))
    assert [found[n].place.feature for n in ("Texas", "Oklahoma", "Kansas")] == ["admin1"] * 3


def test_the_qualifier_counts_when_only_the_name_is_a_given_span():
    text = "A patient was admitted to a hospital in Washington, D.C. after showing symptoms."
    start = text.index("Washington")
    (t,) = geomap.resolve_spans(text, [(start, start + len("Washington"))])
    assert km(t, 38.90, -77.04) < 30


@pytest.mark.parametrize("text", ["A cow from a Washington state farm tested positive.",
                                  "The cow was found in the state of Washington in December."])
def test_called_a_state_means_the_state(text):
    t = by_text(geomap.geoparse(text))["Washington"]
    assert (t.place.feature, t.place.country_code) == ("admin1", "US")


def test_saint_abbreviated_is_the_same_name():
    """"St. Petersburg" is Saint Petersburg's own name abbreviated, not an alias borrowed from Florida."""
    text = "The airline flies between Moscow and St. Petersburg."
    found = by_text(geomap.geoparse(text))
    assert found["St. Petersburg"].place.country_code == "RU"


def test_big_provinces_sit_at_their_centre_not_their_populated_edge():
    """Ontario's GeoNames point is near 49.3 N 84.5 W, far north of the cities along the lakes."""
    t = by_text(geomap.geoparse("Ontario and Quebec reported new cases."))["Ontario"]
    assert t.place.feature == "admin1" and km(t, 49.25, -84.5) < 161


def test_a_fuzzy_match_lends_no_coherence():
    """Two towns called Oxford; the only other name matched a village near one of them, but only fuzzily."""
    from geomap.geocoding.rank import Weights, coherence
    from geomap.model import Candidate

    def town(name, lat, lon, cc, score):
        return Candidate(name, lat, lon, cc, "populated place", 10_000, f"t:{name}{cc}", score=score)

    oxfords = [town("Oxford", 51.75, -1.26, "GB", 1.0), town("Oxford", 39.79, -75.98, "US", 1.0)]
    for score, supported in ((1.0, True), (0.55, False)):
        near_us = [town("Haddington", 39.96, -75.23, "US", score)]
        terms = coherence([oxfords, near_us], [[0.7, 0.7], [0.6]], [0, 1], Weights())
        assert (terms[0][1] > terms[0][0]) is supported


def test_a_county_named_in_full_is_meant_by_its_bare_name_later():
    text = ("DeKalb County, Ga., commissioners met on Tuesday. DeKalb officials said the budget "
            "would be cut.")
    found = [t for t in geomap.geoparse(text) if t.text == "DeKalb"]
    assert found and found[0].place.feature == "admin2" and km(found[0], 33.77, -84.23) < 40


@pytest.mark.parametrize("text, name, country", [
    ("California has confirmed thirteen cases, three in Texas, two in Kansas, and one in Ohio. "
     "New York has confirmed 28.", "California", "US"),
    ("Illnesses in Canada occurred in British Columbia, Alberta, Manitoba, Ontario and New Brunswick.",
     "Ontario", "CA"),
])
def test_a_state_among_states_is_the_state_not_its_namesake_town(text, name, country):
    t = by_text(geomap.geoparse(text))[name]
    assert (t.place.feature, t.place.country_code) == ("admin1", country)


def test_a_state_among_states_does_not_outweigh_a_major_city_of_the_name():
    text = "Officials in Washington met governors from Virginia and Maryland on Monday."
    t = by_text(geomap.geoparse(text))["Washington"]
    assert t.place.feature == "populated place" and km(t, 38.90, -77.04) < 30


@pytest.mark.parametrize("text, name, lat, lon", [
    ("Two patients were treated in Dallas on Friday.", "Dallas", 32.78, -96.81),
    ("Hospitals in Rio de Janeiro and Sao Paulo reported cases.", "Rio de Janeiro", -22.91, -43.18),
])
def test_a_city_named_like_its_region_is_the_city(text, name, lat, lon):
    t = by_text(geomap.geoparse(text))[name]
    assert t.place.feature == "populated place" and km(t, lat, lon) < 20


def test_a_province_filed_as_admin2_is_found_by_its_own_name():
    text = "Pigs on farms in Pangasinan and Nueva Ecija, in the Philippines, tested positive."
    found = by_text(geomap.geoparse(text))
    for name, lat, lon in (("Pangasinan", 15.9, 120.3), ("Nueva Ecija", 15.6, 121.0)):
        assert found[name].place.feature == "admin2" and found[name].place.country_code == "PH"
        assert km(found[name], lat, lon) < 80


@pytest.mark.parametrize("text, name, lat, lon, feature", [
    ("Two anglers drowned in the Catawba River near Mount Holly, North Carolina, on Sunday.", "Catawba River",
     35.0, -81.0, None),
    ("Flood warnings were posted along the Salinas Valley after storms hit Monterey County, California.",
     "Salinas Valley", 36.4, -121.3, None),
    ("Akita Prefecture reported a case of bird flu, Japan's agriculture ministry said.", "Akita Prefecture",
     39.7, 140.3, "admin1"),
])
def test_a_designated_feature_no_gazetteer_lists_stands_on_its_namesake(text, name, lat, lon, feature):
    """Rivers, valleys, lakes, townships: the place they are named after, as an area, never unresolved."""
    start = text.index(name)
    (t,) = geomap.resolve_spans(text, [(start, start + len(name))])
    assert t.place is not None and km(t, lat, lon) < 161 and t.precision >= 2
    assert feature is None or t.place.feature == feature


def test_a_designated_guess_lends_no_support_to_other_names():
    """"Jerome Township" guessed as Jerome, Idaho must not pull Toronto to a US namesake."""
    text = "Officials in Toronto, Ontario met delegates from Jerome Township."
    spans = [(text.index(n), text.index(n) + len(n)) for n in ("Toronto", "Ontario", "Jerome Township")]
    toronto, ontario, _ = geomap.resolve_spans(text, spans)
    assert toronto.place.country_code == "CA" and ontario.place.country_code == "CA"


def test_a_major_city_of_a_named_country_beats_the_main_countrys_namesake():
    """A US story that names Russia: "Moscow" is the Russian capital, not Moscow, Pennsylvania."""
    text = ("Officials in Scranton, Pennsylvania, and New York said the U.S. delegation would fly to Russia. "
            "Talks in Moscow resume next week, the U.S. State Department said.")
    t = by_text(geomap.geoparse(text))["Moscow"]
    assert t.place.country_code == "RU"


def test_the_uk_nations_are_countries_not_american_towns():
    text = ("The Ohio band played Columbus, Cleveland and Dayton before flying to London, England, "
            "and Glasgow, Scotland, for the last dates of the tour.")
    found = by_text(geomap.geoparse(text))
    assert [found[n].place.country_code for n in ("England", "Scotland", "London", "Glasgow")] == ["GB"] * 4


@pytest.mark.parametrize("text, names", [
    ("Storms hit Douglas, Sarpy and Lancaster counties in eastern Nebraska on Friday.",
     {"Douglas": "Douglas County", "Sarpy": "Sarpy County", "Lancaster": "Lancaster County"}),
    ("Officials in Cooke, Grayson and Love counties asked for state aid.",
     {"Cooke": "Cooke County", "Grayson": "Grayson County", "Love": "Love County"}),
    ("Farmers in Mashonaland West, Manicaland and Midlands provinces of Zimbabwe lost their crops.",
     {"Mashonaland West": "Mashonaland West", "Manicaland": "Manicaland", "Midlands": "Midlands"}),
])
def test_a_plural_designation_after_a_list_makes_each_name_the_designated_place(text, names):
    # "Lancaster", "Douglas" alone are towns; "Love" is a personal name that needs a cue to be a place
    found = by_text(geomap.geoparse(text))
    for name, place in names.items():
        assert found[name].place.name == place
        assert found[name].place.feature.startswith("admin")
    spans = [(text.index(n), text.index(n) + len(n)) for n in names]
    given = by_text(geomap.resolve_spans(text, spans))
    assert {n: given[n].place.name for n in names} == names


def test_a_list_without_a_plural_designation_keeps_its_towns():
    found = by_text(geomap.geoparse("The team visited Lancaster, Douglas and Omaha in Nebraska last week."))
    assert found["Lancaster"].place.feature == "populated place"
    assert found["Douglas"].place.feature == "populated place"


@pytest.mark.parametrize("text, name, feature, country", [
    ("Locust swarms reached Benin, Niger, Nigeria and Togo this month.", "Niger", "country", "NE"),
    ("Bee losses were found in Georgia, Oklahoma, Pennsylvania, Wisconsin and California.", "Oklahoma", "admin1", "US"),
    ("Cases in Canada occurred in British Columbia, Alberta, Manitoba, Ontario and New Brunswick, and in "
     "New Jersey in the United States.", "New Brunswick", "admin1", "CA"),
])
def test_a_name_in_a_list_is_of_the_kind_of_the_others(text, name, feature, country):
    t = by_text(geomap.geoparse(text))[name]
    assert (t.place.feature, t.place.country_code) == (feature, country)


def test_a_list_does_not_turn_a_major_city_into_its_namesake_state():
    t = by_text(geomap.geoparse("Fans came from as far as Texas and Washington, D.C. to taste his fish."))["Washington"]
    assert t.place.feature == "populated place" and abs(t.place.lat - 38.9) < 0.2


def test_list_peers_reads_lists_not_a_name_and_its_region():
    from geomap.engine import default_gazetteer
    from geomap.geocoding import list_peers
    from geomap.model import Article
    from geomap.toponyms import find_mentions

    text = "Rain fell on Paris, Texas, and on Georgia, Oklahoma and Kansas, but not on Benin, Niger or Togo."
    detections = find_mentions(Article(id="t", path="", title="", text=text), default_gazetteer())
    names = [d.mention.text for d in detections]
    best = {"Paris": None, "Texas": ("admin1", "US"), "Georgia": ("admin1", "US"), "Oklahoma": ("admin1", "US"),
            "Kansas": ("admin1", "US"), "Benin": ("country", ""), "Niger": ("admin1", "NG"), "Togo": ("country", "")}

    class First:  # the first-pass places, as kinds: a Candidate's fields that _kind reads
        def __init__(self, kind):
            self.feature, self.country_code = kind

    kinds = list_peers(detections, list(range(len(detections))), text,
                       lambda g: First(best[names[g]]) if best[names[g]] else None)
    by_name = {names[g]: k for g, k in kinds.items()}
    assert "Paris" not in by_name and "Texas" not in by_name  # "Paris, Texas": a name and its region
    assert by_name["Oklahoma"] == ("admin1", "US") and by_name["Georgia"] == ("admin1", "US")
    assert by_name["Niger"] == ("country", "")  # its fellows are countries, whatever its own first guess
    assert "Benin" not in by_name  # fellows Niger (a state) and Togo (a country): no two-thirds kind


@pytest.mark.parametrize("text, name, country, feature", [
    ("Mobutu ruled Zaire for three decades.", "Zaire", "CD", "country"),
    ("Grain was shipped to the Soviet Union in 1972.", "Soviet Union", "RU", "country"),
    ("Tea from Ceylon reached London.", "Ceylon", "LK", "country"),
    ("Refugees fled Bosnia in 1993.", "Bosnia", "BA", "country"),
])
def test_former_and_short_country_names_are_the_country(text, name, country, feature):
    t = by_text(geomap.geoparse(text))[name]
    assert (t.place.country_code, t.place.feature) == (country, feature)


@pytest.mark.parametrize("text, name, country, feature", [
    ("Troops in Jammu and Kashmir fired shots.", "Jammu and Kashmir", "IN", "admin1"),
    ("Troops in Jammu & Kashmir fired shots.", "Jammu & Kashmir", "IN", "admin1"),
    ("He flew on to Trinidad & Tobago.", "Trinidad & Tobago", "TT", "country"),
    ("Flooding hit Newfoundland and Labrador on Monday.", "Newfoundland and Labrador", "CA", "admin1"),
])
def test_a_name_joined_by_and_is_found_whole(text, name, country, feature):
    found = geomap.geoparse(text)
    assert [t.text for t in found] == [name]
    assert (found[0].place.country_code, found[0].place.feature) == (country, feature)
    assert text[found[0].start:found[0].end] == name


def _spans(text, names):
    return [(text.index(n), text.index(n) + len(n)) for n in names]


def test_a_given_name_no_gazetteer_holds_is_placed_on_the_storys_focus():
    text = ("Cholera spread through Kibera, the largest slum in Nairobi. Doctors in Nairobi said the Kibera clinic "
            "was full, and Nairobi hospitals asked Kenya for help.")
    found = by_text(geomap.resolve_spans(text, _spans(text, ["Kibera", "Nairobi", "Kenya"])))
    kibera = found["Kibera"]
    assert kibera.place.name == "Nairobi" and kibera.precision == 2  # near Nairobi, an area, not a pin
    assert kibera.score == geomap.engine.FOCUS_SCORE and kibera.place.uncertainty_m >= geomap.engine.FOCUS_RADIUS_M
    assert kibera.runner_up and kibera.runner_up[0].country_code != "KE"  # the fuzzy guess it replaced is kept
    assert found["Nairobi"].precision == 1 and found["Kenya"].place.feature == "country"


def test_a_known_place_is_not_moved_to_the_focus_however_low_it_scores():
    text = "Houston families flew to Cancun for spring break. Houston police in Texas warned them."
    found = by_text(geomap.resolve_spans(text, _spans(text, ["Houston", "Cancun", "Texas"])))
    assert found["Cancun"].place.country_code == "MX"


def test_no_focus_without_a_place_named_confidently():
    # countries are no focus: a name placed on "Kenya" would claim a precision the text does not give
    text = "Aid reached Kiberaville and Kenya, then Kenya again."
    found = by_text(geomap.resolve_spans(text, _spans(text, ["Kiberaville", "Kenya"])))
    assert found["Kiberaville"].place is None or found["Kiberaville"].place.feature != "country"
    assert found["Kiberaville"].score != geomap.engine.FOCUS_SCORE
