"""Builds the written bodies of cassettes/sputnik on the real 2019 page (bodies/real-...2019...).

Run from anywhere: `python cassettes/sputnik/build_pages.py`. It rewrites the generated bodies
and cassette.json; the two real pages are never rewritten. The content below is the only
input: the sample scrape's article (1051041215) and nine articles written for the cassette.
"""
import html, json, re
from pathlib import Path
from datetime import datetime, timezone, timedelta
from email.utils import format_datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

# ---- content: UTC publication times; pages show Moscow wall time
A = []

A.append(dict(
    key="1051041215", path="/middleeast/201702251051041215-syria-army-aleppo-raqqa/",
    title="Countdown to Victory: Syrian Army Closing In on Aleppo-Raqqa Border",
    rubric="middleeast", section="Middle East", pub="2017-02-25T13:08:21", lastmod="2017-02-25T13:31:05",
    p_ts=False, served="2017-02-25T22:45:12",
    desc="Syrian Army troops and allied popular units have significantly advanced against Daesh terrorists in the southeastern parts of Aleppo province.",
    image=("https://cdn2.img.sputniknews.com/images/104915/84/1049158478.jpg",
           "Servicemen of the Syrian Arab Army at the Syrian-Turkish border near the town of Kessab", "Sputnik/ Iliya Pitalev"),
    story=("/trend/islamic_state_rises/", "Violence Erupts as Islamic State Rises", 1881),
    lead=None,
    body=[
        "Syrian Army troops and allied popular units have significantly advanced against Daesh terrorists in the southeastern parts of Aleppo province and are now moving towards the Euphrates and its nearby regions in Raqqa province, Iran’s Fars news agency reported.",
        "\"The Syrian army, Liwa al-Quds (Jerusalem Brigade), the National Defense Forces (NDF) and Kataebat al-Ba’ath (Al-Ba’ath Battalions have secured the southern bank of Al-Hamourat Lake in southeastern Aleppo, while also making a substantial advance towards al-Maskanah Plain,\" Fars News wrote citing military sources on the ground.",
        "On Thursday, government forces seized the main headquarters of the Daesh terrorist group in the northeastern neighborhoods of Khanasser town whose full control was recently won back by Syrian forces.",
        "Earlier the Syrian army and volunteer forces retook full control of five villages in close vicinity of the strategic town leaving dozens of militants dead and wounded and destroying many enemy vehicles and other military hardware.",
    ],
    injects=[],
    refs_related=["1051013372", "1050987764"],
    tags=[("keyword_liberated_villages", "liberated villages"), ("keyword_strategic_town", "strategic town"),
          ("keyword_AleppoRaqqa_border", "Aleppo-Raqqa border"), ("keyword_army_advance", "army advance"),
          ("organization_Daesh", "Daesh"), ("organization_National_Defense_Forces_NDF", "National Defense Forces (NDF)"),
          ("organization_Jerusalem_Brigade", "Jerusalem Brigade"), ("organization_Syrian_Armed_Forces", "Syrian Armed Forces"),
          ("geo_Syria", "Syria")],
    likes=(41, 2),
    comments=[
        dict(id="1051041862", author="Mikhail Ivanov", at="2017-02-25T17:02", text=["it suggests that another mini surge is on the way. It is good to read about it."]),
        dict(id="1051041907", author="armor", at="2017-02-25T17:20", text=["soft and sweet music to my ears...."]),
        dict(id="1051042055", author="Ann", parent="1051041907", at="2017-02-25T18:11", text=["armor, as is the soft whimpering of CIA agents as they run away. The neocons are in full panic mode. What I want to hear next, is the sounds of western boots leaving sovereign Syrian land."]),
        dict(id="1051042340", author="armor", parent="1051042055", at="2017-02-25T19:37", text=[
            "sixpack6t9, agree fully : western boots as you say have to go from Syria and M.E. I can feel that they are not and will never be wanted there. The sovereign State will re-take its territory, will look after its minorities , will protect them, hopefully, hopefully, there will be more bonding of the various groups to start the re-building of that ancient and magnificent land.",
            "I wish many, most, all those who had to leave to come back to their Motherland. But then, afterwards, I also do not wish any Tom, Dick, & Harry, Jean-Luc, to have any say in the running of the country. May the Government be strong in keeping the country's assets in their own hands. This applies to ....most countries. From Syria a magnificent Rose will bloom , under the Protection of God, and Our Mother in Heaven. Forward in Faith."]),
        dict(id="1051042419", author="innocappuccinno", parent="1051042055", at="2017-02-25T20:05", text=["sixpack6t9, it is said our species is Homo Sapiens Sapiens, like it would be doubtful we are really Sapiens... However, after The Arian ideology emerged some 16 centuries ago, in time they needed to find a identity different than ours. So now we have stories with the Extra-terestrial super-advanced civilization, infiltrating humanity and taking care of our evolution. In fact they are humans, the non- homo sapiens. You can call their breed Neocon Dementis."]),
        dict(id="1051042788", author="Vic", at="2017-02-26T01:31", text=["Good news on a rainy morning!"]),
    ],
))

A.append(dict(
    key="1051013372", path="/middleeast/201702241051013372-syria-army-homs-offensive/",
    title="Syrian Army Wins Back Strategic Region in Homs in Blitz Offensive",
    rubric="middleeast", section="Middle East", pub="2017-02-24T09:42:15", lastmod="2017-02-24T09:58:40",
    p_ts=True, served="2017-02-24T14:10:31",
    desc="Government forces have retaken a string of hills east of Palmyra after a two-day push against Daesh, a military source said.",
    image=("https://cdn3.img.sputniknews.com/images/103285/41/1032854172.jpg",
           "Syrian army soldiers near Palmyra, Homs province", "Sputnik/ Mikhail Voskresenskiy"),
    story=("/trend/islamic_state_rises/", "Violence Erupts as Islamic State Rises", 1878),
    lead=None,
    body=[
        "The Syrian army, backed by allied militias and air support, has recaptured the Jabal al-Hayyal range and several adjacent hills in the eastern countryside of Homs province after a two-day offensive, a Syrian military source told Sputnik.",
        "According to the source, the heights overlook the main road leading to Palmyra from the west, and their capture brings government units within eight kilometers of the ancient city, which Daesh retook in December.",
        "The source said that engineering teams were dismantling explosive devices left behind by the retreating militants along the road and in the surrounding farmland.",
        "Daesh units have reportedly pulled back towards the grain silos west of Palmyra, where they have been digging new defensive positions since the start of the month.",
    ],
    injects=[("after", 1, "1040874411")],
    refs_related=[],
    tags=[("keyword_Homs_offensive", "Homs offensive"), ("geo_Palmyra", "Palmyra"), ("organization_Daesh", "Daesh"),
          ("organization_Syrian_Armed_Forces", "Syrian Armed Forces"), ("geo_Syria", "Syria")],
    likes=(18, 0), comments=[],
))

A.append(dict(
    key="1050987764", path="/middleeast/201702231050987764-syria-aleppo-daesh-tunnel/",
    title="Syrian Army Destroys Daesh Tunnel Depot, Restores Security in Aleppo",
    rubric="middleeast", section="Middle East", pub="2017-02-23T15:20:40", lastmod="2017-02-23T15:20:40",
    p_ts=True, served="2017-02-23T19:02:44",
    desc="Syrian engineers have blown up an underground arms depot used by Daesh near al-Bab, securing the approaches to eastern Aleppo.",
    image=("https://cdn5.img.sputniknews.com/images/105094/12/1050941205.jpg",
           "A Syrian army engineer inspects a tunnel in eastern Aleppo", "AFP 2017/ George Ourfalian"),
    story=None,
    lead=None,
    body=[
        "Syrian army engineering units have destroyed an underground depot dug by Daesh militants near the town of Tadef, south of al-Bab, a local military commander said on Thursday.",
        "The tunnel complex, which stretched for several hundred meters under a cluster of farm buildings, contained mortar rounds, materials for making roadside bombs and stocks of fuel, the commander said.",
        "He added that army patrols had since been deployed along the roads linking Tadef with the eastern districts of Aleppo, allowing the first trucks carrying food supplies to reach nearby villages.",
        "Government forces entered Tadef earlier this week after Daesh fighters withdrew from al-Bab under pressure from Turkish-backed units advancing from the north.",
    ],
    injects=[("after", 2, "1050921845")],
    refs_related=[],
    tags=[("keyword_tunnel", "tunnel"), ("geo_Aleppo", "Aleppo"), ("organization_Daesh", "Daesh"), ("geo_Syria", "Syria")],
    likes=(9, 1), comments=[],
))

A.append(dict(
    key="1016239222", path="/middleeast/20141225/1016239222.html",
    title="Syrian Army Repels Militant Attack Near Deir ez-Zor Military Airport",
    rubric="middleeast", section="Middle East", pub="2014-12-25T11:35:10", lastmod="2014-12-25T11:35:10",
    p_ts=False, served="2014-12-26T08:14:02",
    desc="Syrian government forces have repelled an attack by Islamic State militants on the military airport of Deir ez-Zor, Syrian state media reported Thursday.",
    image=("https://cdn2.img.sputniknews.com/images/101545/72/1015457262.jpg",
           "Smoke rises over the city of Deir ez-Zor", "REUTERS/ Stringer"),
    story=None,
    lead="Syrian government forces have repelled an attack by Islamic State militants on the military airport of Deir ez-Zor, Syrian state media reported Thursday.",
    body=[
        "According to the SANA news agency, the militants attempted to break through the airport's southern perimeter at dawn but were stopped by artillery fire and air strikes.",
        "The airport, which lies a few kilometers southeast of the city, is the last major government position in the province and is supplied only by air.",
        "Islamic State militants have laid siege to government-held districts of Deir ez-Zor for several months, and residents report shortages of bread, fuel and medicine.",
    ],
    injects=[], refs_related=[],
    tags=[("tag_Syria", "Syria"), ("tag_Islamic_State", "Islamic State"), ("tag_Deir_ez_Zor", "Deir ez-Zor")],
    likes=(3, 0), comments=[],
))

A.append(dict(
    key="1040874411", path="/middleeast/201606051040874411-syria-army-raqqa-offensive/",
    title="Syrian Army Pushes Into Raqqa Province as Daesh Defenses Crumble",
    rubric="middleeast", section="Middle East", pub="2016-06-05T15:12:03", lastmod="2016-06-05T16:40:51",
    p_ts=True, served="2016-06-05T19:27:36",
    desc="Syrian government troops have crossed into Raqqa province from the southwest for the first time since 2014.",
    image=("https://cdn1.img.sputniknews.com/images/103840/17/1038401733.jpg",
           "Syrian army soldiers in Ithriya, Hama province", "Sputnik/ Mikhail Alaeddin"),
    story=("/trend/islamic_state_rises/", "Violence Erupts as Islamic State Rises", 1502),
    lead=None,
    body=[
        "Syrian government troops supported by Russian aircraft have crossed the administrative border of Raqqa province from the Ithriya area, moving along the road towards the Tabqa military airfield, a source in the Syrian military said on Sunday.",
        "It is the first time that government forces have entered the province since Daesh captured the Tabqa airfield in August 2014.",
        "The source said that army units had taken control of several hilltops and a crossroads near the village of Abu al-Ala, some forty kilometers from the airfield, and that militants had abandoned a number of positions without a fight.",
        "Kurdish-led forces are separately advancing on the town of Manbij in the north of Aleppo province, a key route used by the militants to move fighters and supplies to and from the Turkish border.",
    ],
    injects=[("after", 1, "1016239222")],
    refs_related=[],
    tags=[("tag_Raqqa", "Raqqa"), ("tag_Daesh", "Daesh"), ("tag_Syrian_Army", "Syrian Army"), ("tag_Syria", "Syria")],
    likes=(57, 4), comments=[],
))

A.append(dict(
    key="1050921845", path="/military/201702211050921845-russia-sappers-aleppo-demining/",
    title="Russian Sappers Clear Over 1,500 Hectares of Land in Aleppo",
    rubric="military", section="Military & Intelligence", pub="2017-02-21T10:05:47", lastmod="2017-02-21T10:05:47",
    p_ts=True, served="2017-02-21T16:44:09",
    desc="Russian military engineers have demined more than 1,500 hectares of land and over 600 buildings in Aleppo, the Russian Defense Ministry said.",
    image=("https://cdn4.img.sputniknews.com/images/104881/13/1048811377.jpg",
           "Russian military engineers of the International Mine Action Center in Aleppo", "Sputnik/ Mikhail Voskresenskiy"),
    story=None,
    lead="Russian military engineers have demined more than 1,500 hectares of land and over 600 buildings in Aleppo, the Russian Defense Ministry said.",
    body=[
        "According to the ministry, the sappers of the International Mine Action Center have also cleared some 950 kilometers of roads in the city since the start of the operation in December.",
        "More than 26,000 explosive objects, including improvised devices hidden in homes and schools, have been found and defused, the ministry said in a statement.",
        "The engineers are working in the eastern districts of the city, where militants held out until December, and are training Syrian specialists to continue the work on their own.",
        "The ministry added that a group of sappers with mine-detecting dogs would be sent to the area of Palmyra once the situation there allows.",
    ],
    injects=[("after", 2, "1040874411")],
    refs_related=[],
    tags=[("organization_Russian_Defense_Ministry", "Russian Defense Ministry"), ("keyword_demining", "demining"),
          ("organization_International_Mine_Action_Center", "International Mine Action Center"), ("geo_Aleppo", "Aleppo"),
          ("geo_Russia", "Russia")],
    likes=(112, 3),
    comments=[
        dict(id="1050923011", author="Hermes", at="2017-02-21T14:02", text=["Real heroes. This is the work nobody films."]),
        dict(id="1050923160", author="kirill", parent="1050923011", at="2017-02-21T14:40", text=["Hermes, agreed. One mistake and there is no second chance."]),
        dict(id="1050923498", author="jas", at="2017-02-21T16:18", text=["Where are the Western charities now that the cameras have left?"]),
    ],
))

A.append(dict(
    key="1051032988", path="/russia/201702251051032988-lavrov-geneva-syria-talks/",
    title="Lavrov Calls for Direct Talks Between Damascus and Armed Opposition in Geneva",
    rubric="russia", section="Russia", pub="2017-02-25T08:30:12", lastmod="2017-02-25T09:02:30",
    p_ts=True, served="2017-02-25T12:55:20",
    desc="Russian Foreign Minister Sergei Lavrov said the Geneva talks on Syria should bring the government and the armed opposition to the same table.",
    image=("https://cdn1.img.sputniknews.com/images/105098/94/1050989411.jpg",
           "Russian Foreign Minister Sergei Lavrov", "Sputnik/ Eduard Pesov"),
    story=None,
    lead=None,
    body=[
        "Russian Foreign Minister Sergei Lavrov said on Saturday that the intra-Syrian talks under way in Geneva should move from proximity consultations to direct contacts between the Syrian government delegation and the armed opposition.",
        "Speaking to reporters in Moscow, Lavrov said that the ceasefire agreed in Astana in December had largely held and had created the conditions for a political process, despite continued violations in several provinces.",
        "The minister said that groups which refuse to separate themselves from Jabhat Fatah al-Sham, formerly known as al-Nusra Front, could not count on being treated as part of the opposition.",
        "The UN special envoy for Syria, Staffan de Mistura, opened the new round of talks on Thursday and has said he does not expect a breakthrough but hopes to agree on an agenda.",
    ],
    injects=[("after", 2, "1051013372")],
    refs_related=[],
    tags=[("person_Sergei_Lavrov", "Sergei Lavrov"), ("person_Staffan_de_Mistura", "Staffan de Mistura"),
          ("organization_United_Nations", "United Nations"), ("keyword_Geneva_talks", "Geneva talks"), ("geo_Syria", "Syria")],
    likes=(35, 6), comments=[],
))

A.append(dict(
    key="1051035571", path="/us/201702251051035571-pentagon-daesh-plan/",
    title="Pentagon to Deliver Plan to Defeat Daesh to White House Next Week",
    rubric="us", section="US", pub="2017-02-25T10:47:33", lastmod="2017-02-25T10:47:33",
    p_ts=True, served="2017-02-25T15:31:48",
    desc="US Defense Secretary James Mattis is expected to present the Pentagon's proposals for accelerating the campaign against Daesh by the end of February.",
    image=("https://cdn3.img.sputniknews.com/images/104745/10/1047451036.jpg",
           "The Pentagon building in Washington", "AP Photo/ Charles Dharapak"),
    story=None,
    lead=None,
    body=[
        "US Defense Secretary James Mattis is expected to present the Pentagon's proposals for accelerating the campaign against Daesh to the White House by the end of February, a Defense Department spokesman told reporters.",
        "President Donald Trump ordered the review in late January, giving the military thirty days to draw up options for defeating the group in Iraq and Syria.",
        "US media have reported that the options under consideration include sending additional troops to northern Syria and arming the Kurdish militias that make up the bulk of the Syrian Democratic Forces advancing on Raqqa.",
        "Turkey has repeatedly objected to any US support for the Kurdish units, which Ankara regards as a branch of the outlawed Kurdistan Workers' Party.",
    ],
    injects=[("after", 1, "1050987764")],
    refs_related=[],
    tags=[("person_James_Mattis", "James Mattis"), ("person_Donald_Trump", "Donald Trump"), ("organization_Pentagon", "Pentagon"),
          ("organization_Daesh", "Daesh"), ("geo_United_States", "United States")],
    likes=(14, 9),
    comments=[
        dict(id="1051036204", author="Drain the Swamp", at="2017-02-25T13:44", text=["Thirty days to find out what everyone already knows."]),
        dict(id="1051036377", author="Willow", at="2017-02-25T14:29", text=["More troops is not a plan.", "Talk to Damascus."]),
    ],
))

A.append(dict(
    key="1051038890", path="/analysis/201702251051038890-raqqa-race-analysis/",
    title="Race for Raqqa: Who Will Take the Daesh Stronghold?",
    rubric="analysis", section="Opinion", pub="2017-02-25T17:55:09", lastmod="2017-02-25T18:20:00",
    p_ts=True, served="2017-02-25T21:05:17", author=("daniel_morrow", "Daniel Morrow"),
    desc="With Daesh losing ground in northern Syria, several armies are now converging on Raqqa, and the question of who enters the city first is as political as it is military.",
    image=("https://cdn5.img.sputniknews.com/images/104321/66/1043216699.jpg",
           "View of a street in Raqqa", "AFP 2017/ Delil Souleiman"),
    story=("/trend/islamic_state_rises/", "Violence Erupts as Islamic State Rises", 1881),
    lead="With Daesh losing ground in northern Syria, several armies are now converging on Raqqa, and the question of who enters the city first is as political as it is military.",
    body=[
        "Three forces are now within striking distance of the self-proclaimed capital of Daesh: the Kurdish-led Syrian Democratic Forces to the north and east, the Syrian army moving down from eastern Aleppo, and Turkish-backed units fresh from the battle for al-Bab.",
        "Each has a different patron and a different idea of what should happen to the city afterwards. Washington wants a quick victory it can claim; Ankara wants to keep the Kurds away from its border; Damascus wants its territory back.",
        "The Syrian army's advance along the southern bank of the Euphrates matters more than its modest size suggests. Once government troops reach the river, the Turkish-backed groups will be cut off from any route south.",
        "Whoever takes Raqqa will also inherit its problems: a ruined city, tens of thousands of displaced people and a population that has lived under the militants for more than three years.",
    ],
    injects=[("after", 1, "1040874411")],
    refs_related=[],
    disclaimer=True,
    tags=[("keyword_Raqqa_offensive", "Raqqa offensive"), ("organization_Syrian_Democratic_Forces", "Syrian Democratic Forces"),
          ("organization_Daesh", "Daesh"), ("geo_Turkey", "Turkey"), ("geo_Syria", "Syria")],
    likes=(48, 5), comments=[],
))

A.append(dict(
    key="1051049320", path="/middleeast/201702261051049320-syria-deir-hafer-advance/",
    title="Syrian Army Reaches Outskirts of Deir Hafer East of Aleppo",
    rubric="middleeast", section="Middle East", pub="2017-02-25T22:14:50", lastmod="2017-02-25T22:14:50",
    p_ts=True, served="2017-02-26T05:48:03",
    desc="Syrian government forces have reached the western outskirts of Deir Hafer, the last large Daesh-held town east of Aleppo.",
    image=("https://cdn4.img.sputniknews.com/images/105096/31/1050963150.jpg",
           "Syrian army tank in the eastern countryside of Aleppo", "Sputnik/ Mikhail Alaeddin"),
    story=("/trend/islamic_state_rises/", "Violence Erupts as Islamic State Rises", 1883),
    lead=None,
    body=[
        "Syrian government forces have reached the western outskirts of Deir Hafer, the last large town held by Daesh east of Aleppo, a military source said late on Saturday.",
        "The town sits on the road between Aleppo and the Kuweires air base, and its capture would allow the army to open a second axis of advance towards the Euphrates.",
        "The source said the militants had blown up a bridge over a canal west of the town to slow the advance, and that army engineers were building a crossing.",
    ],
    injects=[("after", 1, "1051041215")],
    refs_related=[],
    tags=[("geo_Aleppo", "Aleppo"), ("organization_Daesh", "Daesh"), ("keyword_army_advance", "army advance"), ("geo_Syria", "Syria")],
    likes=(22, 1), comments=[],
))


# ---- build
MSK = ZoneInfo("Europe/Moscow")
HERE = Path(__file__).resolve().parent
OUT = str(HERE) + "/"
REAL_2019 = "real-sputniknews.com_2019-11-18_columnists_1077343476.html"
REAL_2020 = "real-sputniknews.com_2020-04-28_radio_the_critical_hour_1079127690.html"
ORIGIN = "https://sputniknews.com"
T = (HERE / "bodies" / REAL_2019).read_text(encoding="utf-8")
OLD_PATH = "/columnists/201911181077343476-royal-self-indicting-arrogance/"
BY_KEY = {a["key"]: a for a in A}
e = lambda s: html.escape(s, quote=True)

def utc(s): return datetime.fromisoformat(s).replace(tzinfo=timezone.utc)
def msk(s): return utc(s).astimezone(MSK)
def cut(s, start, end, new, include_end=False):
    i = s.index(start); j = s.index(end, i)
    if include_end: j += len(end)
    return s[:i] + new + s[j:]

def clock(served):
    m = msk(served)
    return f"<span>{m:%H:%M} GMT +3</span>{m.day} {m:%B %Y}"

def header(a):
    url, cap, credit = a["image"]
    return (f'<div class="b-article__header"><img src="{url}" width="1000" height="541" alt="{e(cap)}" title="{e(cap)}" class="" itemprop="associatedMedia">'
            f'<div class="b-article__header-title "><h1 itemprop="name">{e(a["title"])}</h1></div>'
            f'<div class="b-article__header-copy"><span><span>\n                        ©\n                    {e(credit)}</span></span></div>')

def inject(k):
    t = BY_KEY[k]; url, cap, credit = t["image"]
    return (f'<div class="b-inject b-inject__type-article" id="inject_{k}"><div class="b-inject__article m-right-align">'
            f'<div class="b-inject__article-photo"><a href="{t["path"]}"><img src="{url}" alt="{e(cap)}" title="{e(cap)}" class=""></a></div>'
            f'<div class="b-inject__article-desc"><div class="b-media-copyright "><div class="b-media-copyright__copy"><span>'
            f'<a href="/docs/about/copyright.html">© {e(credit)}</a></span></div></div>'
            f'<div class="b-inject__article-title"><a href="{t["path"]}">{e(t["title"])}</a></div></div></div></div>\n')

def story_link(a, where):
    path, title, n = a["story"]
    if where == "top":
        return f'<div class="b-article__refs-story"><a href="{path}">{e(title)} <span>({n})</span></a></div>'
    return f'<div class="b-article__refs-list"><div class="b-article__refs-item"><div class="b-article__refs-item-title"><a href="{path}">{e(title)} ({n})</a></div></div></div>'

def article_block(a):
    m = msk(a["pub"])
    out = '<div class="b-article__refs-text "><a class="b-article__refs-rubric" href="/%s/" itemprop="articleSection">%s</a>' % (a["rubric"], e(a["section"]))
    out += (f'<div class="b-article__refs-credits"><time class="b-article__refs-date" itemprop="dateCreated" datetime="{m:%Y-%m-%dT%H:%M}">{m:%H:%M %d.%m.%Y}</time>'
            f'<!--noindex--><span data-article="{a["key"]}" id="getShortUrl" data-shorturl="" class="b-article__refs-getshorturl">Get short URL</span><!--/noindex--></div>')
    if a.get("author"):
        out += f'<div class="b-article__refs-author">by <a rel="author" href="/authors/{a["author"][0]}/">{e(a["author"][1])}</a></div>'
    if a.get("story"):
        out += story_link(a, "top")
    ncom = len(a["comments"])
    out += (f'<div class="b-counters "><a href="{a["path"]}#comments" class="b-counters-icon b-counters-icon_comments"><i></i>{ncom}</a>'
            f'<span class="b-counters-icon b-counters-icon_like"><i></i>{a["likes"][0]}</span><span class="b-counters-icon b-counters-icon_dislike"><i></i>{a["likes"][1]}</span></div></div>')
    if a.get("lead"):
        out += f'<div itemprop="description" class="b-article__lead"><p>{e(a["lead"])}</p></div>'
    body = ""
    injects = {i: k for _, i, k in a["injects"]}
    for i, p in enumerate(a["body"]):
        body += f"<p>{e(p)}</p>\n"
        if i in injects:
            body += inject(injects[i])
    body = body.rstrip("\n")
    if a.get("disclaimer"):
        body += ('<p class="b-disclaimer">\n            \n                The views and opinions expressed in the article do not necessarily reflect those of Sputnik.\n            \n        </p>')
    out += f'<div itemprop="articleBody" class="b-article__text">{body}</div>'
    return out

def refs(a):
    out = '<div class="b-article__refs">'
    out += story_link(a, "bottom") if a.get("story") else '<div class="b-article__refs-list"></div>'
    if a["refs_related"]:
        out += '<div class="b-article__refs-list">' + "".join(
            f'<div class="b-article__refs-item"><div class="b-article__refs-item-title"><a href="{BY_KEY[k]["path"]}">{e(BY_KEY[k]["title"])}</a></div></div>'
            for k in a["refs_related"]) + '</div>'
    else:
        out += '<div class="b-article__refs-list"></div>'
    out += ('<div class="b-article__refs-list"><div class="b-article__refs-item"><div class="b-article__refs-item-title b-article__refs-tags">'
            + ", ".join(f'<a href="/tags/{slug}/">{e(name)}</a>' for slug, name in a["tags"]) + '</div></div></div>')
    return out + '</div>'

def comments(a):
    names = {c["id"]: c["author"] for c in a["comments"]}
    out = ""
    for c in a["comments"]:
        at = datetime.fromisoformat(c["at"])
        pid = c.get("parent", "")
        reply = (f'<span>in reply to</span><a href="" class="other-author">{e(names[pid])}</a><a class="show-answer" data-parent_id="{pid}" data-id="{c["id"]}">'
                 f'(<i class="show">Show comment</i><i class="hide">Hide comment</i>)</a>') if pid else ""
        out += (f'<li data-id="{c["id"]}" data-likes="0" data-parent-id="{pid}"><div class="buttons"><a class="answer" data-id="{c["id"]}"><i>Reply</i></a>'
                f'<a class="like" data-id="{c["id"]}"><i></i></a><a class="dislike" data-id="{c["id"]}"><i></i></a></div>'
                f'<img alt="avatar" src="https://cdn2.img.sputniknews.com/i/avatar-default.png" width="50" height="50" class="avatar">'
                f'<section><hgroup><h5><a href="" class="author">{e(c["author"])}</a>{reply}</h5></hgroup>'
                f'<div class="datetime"><time class="time">{at:%H:%M}</time> <time class="date" datetime="{at:%Y-%m-%dT%H:%M}">{at:%d.%m.%Y}</time>'
                f'<span class="likes" style="display: none;"> | <b></b><i class="likes"></i></span></div>'
                f'<div class="body">{"<br><br>".join(e(t) for t in c["text"])}</div></section></li>')
    return out

def sidebar(served):
    items = sorted((x for x in A if x["pub"] < served), key=lambda x: x["pub"], reverse=True)[:5]
    lis = "".join(f'<li class="b-news__item"><span class="b-news__time">{msk(x["pub"]):%H:%M}</span><a href="{x["path"]}">{e(x["title"])}</a></li>' for x in items)
    return lis

def common(s, served, year):
    s = cut(s, '<div class="b-block b-tabs b-multimedia-light">', '<div class="b-banner m-banner-1 m-mb20">', "")
    s = cut(s, '<div class="modal-window window-account-confirm', '<div class="modal-window window-comment-alert', "")
    s = cut(s, '<div class="article__google-news">', '<div itemprop="description"', "") if '<div class="article__google-news">' in s else s
    s = s.replace("<span>14:53 GMT +3</span>20 November 2019", clock(served))
    s = s.replace("© 2019 Sputnik", f"© {year} Sputnik")
    s = s.replace("ts=1574250785", f"ts={int(utc(served).timestamp())}")
    i = s.index('<div class="b-tabs__content active" id="latest-tab"><ul>') + len('<div class="b-tabs__content active" id="latest-tab"><ul>')
    j = s.index("</ul>", i)
    s = s[:i] + sidebar(served) + s[j:]
    i = s.index('<div class="b-tabs__content" id="mostread-tab"><ul>') + len('<div class="b-tabs__content" id="mostread-tab"><ul>')
    j = s.index("</ul>", i)
    most = sorted((x for x in A if x["pub"] < served), key=lambda x: -x["likes"][0])[:5]
    s = s[:i] + "".join(f'<li class="b-news__item"><a href="{x["path"]}">{e(x["title"])}</a></li>' for x in most) + s[j:]
    return s

def build_article(a):
    s = T
    # ---- head
    p = msk(a["pub"]); lm = msk(a["lastmod"])
    s = s.replace(OLD_PATH, a["path"])
    s = s.replace("sharing_snippet/1077343476.png?1574101047", f'sharing_snippet/{a["key"]}.png?{int(utc(a["pub"]).timestamp())}')
    s = s.replace("1077343476", a["key"])
    s = s.replace("Royal%20Self-Indicting%20Arrogance", quote(a["title"]))
    s = s.replace("Royal Self-Indicting Arrogance", e(a["title"]))
    desc = "What was this British royal and his PR aides thinking of when he granted a high-profile interview to the BBC, supposedly to clear his name from association with sex-trafficker billionaire Jeffrey Epstein?"
    head, rest = s.split("</head>", 1)
    head = head.replace(desc, e(a["desc"]))
    if a["p_ts"]:
        head = head.replace('content="1574101047"', f'content="{int(utc(a["pub"]).timestamp())}"')
    else:
        head = head.replace('<meta name="analytics:p_ts" content="1574101047">', "")
    if a.get("author"):
        head = head.replace("Finian Cunningham. Sputnik International", e(a["author"][1]) + ". Sputnik International")
    else:
        head = head.replace('<meta name="analytics:author" content="Finian Cunningham. Sputnik International">', "")
        head = head.replace('<meta name="author" content="Finian Cunningham. Sputnik International">', "")
    head = head.replace('<meta name="analytics:rubric" content="columnists">', f'<meta name="analytics:rubric" content="{a["rubric"]}">')
    head = head.replace("/export/rss2/columnists/index.xml", f'/export/rss2/{a["rubric"]}/index.xml')
    head = head.replace('content="2019-11-18T21:17:46Z" http-equiv', f'content="{lm:%Y-%m-%dT%H:%M:%S}Z" http-equiv')
    head = head.replace('content="2019-11-18T21:17:46Z" itemprop', f'content="{lm:%Y-%m-%dT%H:%M:%S}Z" itemprop')
    head = head.replace('content="2019-11-18T21:17:27Z"', f'content="{p:%Y-%m-%dT%H:%M:%S}Z"')
    if a["key"] == "1016239222":  # 2014: no AMP pages yet
        head = re.sub(r'<link rel="amphtml"[^>]*>', "", head)
    s = head + "</head>" + rest
    # ---- header, article, refs, comments
    i = s.index('<div class="b-article__header">'); j = s.index('</div></div></div><div class="l-main m-oh">')
    s = s[:i] + header(a) + s[j:]
    s = cut(s, '<div class="b-article__refs-text ">', '<div class="b-banner m-banner-33', article_block(a))
    s = s.replace('class="b-article__likes-up js-likeUp">55</a>', f'class="b-article__likes-up js-likeUp">{a["likes"][0]}</a>')
    s = s.replace('class="b-article__likes-down js-likeDown">3</a>', f'class="b-article__likes-down js-likeDown">{a["likes"][1]}</a>')
    s = s.replace('<div class="b-article__refs"><div class="b-article__refs-list"></div><div class="b-article__refs-list"></div></div>', refs(a))
    s = s.replace('value="columnists"', f'value="{a["rubric"]}"')
    if a["comments"]:
        s = s.replace('itemtype="http://schema.org/UserComments" style="display: none;"', 'itemtype="http://schema.org/UserComments"')
        s = s.replace('<ul class="main"></ul>', f'<ul class="main">{comments(a)}</ul>', 1)
    s = common(s, a["served"], utc(a["served"]).year)
    assert "Finian" not in s and "Epstein" not in s and "2019" not in s.split("</head>")[1].split("<footer")[0].replace("cdn", ""), a["key"]
    return s

def archive_page(day, items, served, path):
    s = T
    head, rest = s.split("</head>", 1)
    head = re.sub(r'<meta name="analytics:(article_id|p_ts|author|rubric)"[^>]*>', "", head)
    head = re.sub(r'<meta name="author"[^>]*>|<meta property="og:[^>]*>|<meta name="twitter:(?!widgets|card|site)[^>]*>', "", head)
    head = re.sub(r'<link rel="(alternate|amphtml|canonical)" href="https://sputniknews.com/[^>]*>', "", head)
    head = re.sub(r'<meta content="2019[^>]*>', "", head)
    head = head.replace('<link rel="alternate" href="/export/rss2/columnists/index.xml" title="RSS" type="application/rss+xml">', "")
    head = re.sub(r'app-argument=[^"]*', "", head)
    head = head.replace("<title>Royal Self-Indicting Arrogance - Sputnik International</title>", "<title>All news - Sputnik International</title>")
    head = re.sub(r'<meta name="description" content="[^"]*">', '<meta name="description" content="Latest news from Sputnik International: politics, economy, society, science and sport.">', head)
    head += f'<link rel="canonical" href="{ORIGIN}{path}">'
    s = head + "</head>" + rest
    lis = ""
    for a in items:
        url, cap, _ = a["image"]
        m = msk(a["pub"])
        lis += (f'<li class="b-plainlist__item"><a href="{a["path"]}" class="b-plainlist__img"><img src="{url}" width="150" height="100" alt="{e(cap)}" title="{e(cap)}" class=""></a>'
                f'<div class="b-plainlist__info"><span class="b-plainlist__date">{m:%H:%M %d.%m.%Y}</span>'
                f'<h2 class="b-plainlist__title"><a href="{a["path"]}">{e(a["title"])}</a></h2>'
                f'<div class="b-plainlist__announce"><a href="{a["path"]}">{e(a["desc"])}</a></div></div></li>')
    last = msk(items[-1]["pub"])
    main = (f'<div class="l-wrap"><div class="b-header"><a class="b-header__logo" href="/"></a></div></div>'
            f'<div class="l-main m-oh"><div class="l-wrap m-clear"><div class="l-maincolumn m-static"><div class="b-plainlist">'
            f'<h1 class="b-title">All news</h1><ul class="b-plainlist__list">{lis}</ul>'
            f'<a class="b-plainlist__more" data-href="/archive/more.html?date={last:%Y%m%dT%H%M%S}&amp;id={items[-1]["key"]}">More</a></div></div>')
    i = s.index('<div class="l-wrap"><div class="b-header">'); j = s.index('<div class="l-sidebar">')
    s = s[:i] + main + s[j:]
    s = s.replace("<span>14:53 GMT +3</span>20 November 2019", clock(served)).replace("© 2019 Sputnik", "© 2017 Sputnik")
    s = s.replace("&amp;obj_id=1077343476&amp;obj_type=article", "&amp;obj_id=&amp;obj_type=list").replace("ts=1574250785", f"ts={int(utc(served).timestamp())}")
    s = cut(s, '<div class="b-block b-tabs b-multimedia-light">', '<div class="b-banner m-banner-1 m-mb20">', "")
    s = cut(s, '<div class="modal-window window-account-confirm', '<div class="modal-window window-comment-alert', "")
    for tab in ('<div class="b-tabs__content active" id="latest-tab"><ul>', '<div class="b-tabs__content" id="mostread-tab"><ul>'):
        i = s.index(tab) + len(tab); j = s.index("</ul>", i)
        s = s[:i] + sidebar(served) + s[j:]
    s = s.replace("'article_id': '1077343476'", "'article_id': ''")
    assert "1077343476" not in s and "Epstein" not in s
    return s

def rss(items, built):
    out = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n'
           '<title>Sputnik International</title>\n<link>https://sputniknews.com/</link>\n'
           '<description>Sputnik International: breaking news, analysis, opinion, photo, video and radio.</description>\n'
           '<language>en</language>\n<copyright>RIA Novosti</copyright>\n'
           f'<lastBuildDate>{format_datetime(msk(built))}</lastBuildDate>\n<ttl>5</ttl>\n'
           '<image>\n<url>https://cdn1.img.sputniknews.com/i/logo.png</url>\n<title>Sputnik International</title>\n<link>https://sputniknews.com/</link>\n</image>\n')
    for a in items:
        url, cap, _ = a["image"]
        out += (f'<item>\n<title>{e(a["title"])}</title>\n<link>{ORIGIN}{a["path"]}</link>\n<guid>{ORIGIN}{a["path"]}</guid>\n'
                f'<pubDate>{format_datetime(msk(a["pub"]))}</pubDate>\n<category>{e(a["section"])}</category>\n'
                f'<description><![CDATA[{a["desc"]}]]></description>\n'
                f'<enclosure url="{url}" type="image/jpeg" length="0"/>\n</item>\n')
    return out + "</channel>\n</rss>\n"

def http_date(s): return format_datetime(utc(s), usegmt=True)

inter = []
def add(url, name, body, served, ctype="text/html; charset=utf-8"):
    mode = "wb" if isinstance(body, bytes) else "w"
    with open(OUT + "bodies/" + name, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(body)
    inter.append({"method": "GET", "url": url, "status": 200, "headers": {"content-type": ctype, "date": http_date(served)}, "body_file": "bodies/" + name})

feed_built = "2017-02-26T06:30:00"
feed_items = sorted((a for a in A if "2017-02-25" <= a["pub"] <= feed_built), key=lambda a: a["pub"], reverse=True)
add(ORIGIN + "/export/rss2/archive/index.xml", "rss2-archive-20170226.xml", rss(feed_items, feed_built), feed_built, "application/rss+xml; charset=utf-8")
day26 = [a for a in feed_items if msk(a["pub"]).date().isoformat() == "2017-02-26"]
day25 = [a for a in feed_items if msk(a["pub"]).date().isoformat() == "2017-02-25"]
arch26 = archive_page("20170226", day26, "2017-02-26T06:31:10", "/archive/")
add(ORIGIN + "/archive/", "archive-today-20170226.html", arch26, "2017-02-26T06:31:10")
add(ORIGIN + "/archive/20170226/", "archive-20170226.html", archive_page("20170226", day26, "2017-02-26T06:31:40", "/archive/20170226/"), "2017-02-26T06:31:40")
add(ORIGIN + "/archive/20170225/", "archive-20170225.html", archive_page("20170225", day25, "2017-02-26T06:32:05", "/archive/20170225/"), "2017-02-26T06:32:05")
for a in A:
    name = re.sub(r"[^A-Za-z0-9]+", "-", a["path"]).strip("-") + ".html"
    add(ORIGIN + a["path"], name, build_article(a), a["served"])
for name, url, served in (
    (REAL_2019, ORIGIN + "/columnists/201911181077343476-royal-self-indicting-arrogance/", "2019-11-20T11:53:05"),
    (REAL_2020, ORIGIN + "/radio_the_critical_hour/202004281079127690-some-us-states-begin-lifting-lockdowns-vp-pence-defiantly-tours-clinic-unmasked/", "2020-04-29T11:39:12"),
):  # the real pages stay byte for byte as copied from shared/reference-html/sputnik
    inter.append({"method": "GET", "url": url, "status": 200, "headers": {"content-type": "text/html; charset=utf-8", "date": http_date(served)}, "body_file": "bodies/" + name})

note = json.loads((HERE / "cassette.json").read_text(encoding="utf-8"))["note"]  # kept as written
json.dump({"site": "sputnik", "origin": ORIGIN, "note": note, "interactions": inter},
          open(OUT + "cassette.json", "w", encoding="utf-8"), indent=1, ensure_ascii=False)
print(len(inter), "interactions written to", OUT)
