"""Pre-built pools of British-looking names, places and case-note texts.

Drawing from fixed pools is what makes the seed fast (no per-row faker) and
deterministic; the pools are fictional and large enough to look varied.
"""

from __future__ import annotations


def _words(text: str, separator: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(separator))


MALE_FORENAMES = _words(
    "James John Robert Michael David William Richard Thomas Christopher Daniel Matthew Anthony "
    "Mark Paul Steven Andrew Kevin Brian George Edward Ryan Jason Gary Jacob Nicholas Jonathan "
    "Stephen Scott Craig Lee Darren Dean Wayne Shaun Liam Connor Callum Jordan Kyle Jamie Aaron "
    "Nathan Adam Luke Ben Samuel Joseph Harry Jack Oliver Charlie Alfie Mohammed Ahmed Imran "
    "Tariq Kwame Tyrone Marcus Dwayne Leon Reece Kieran Declan Patrick Sean Owen Rhys Gareth "
    "Dylan Lewis Bradley Ashley Carl Neil Stuart Graham Ian Keith Terry Barry Alan Colin Dennis"
)
FEMALE_FORENAMES = _words(
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Sandra "
    "Emma Amy Laura Rebecca Hannah Chloe Sophie Charlotte Lauren Kelly Stacey Leanne Gemma "
    "Nicola Joanne Claire Michelle Donna Tracey Samantha Natalie Kirsty Danielle Jade Megan "
    "Shannon Courtney Jasmine Aisha Fatima Amina Zara Priya Keisha Tanisha Siobhan Bethan Rhian "
    "Caitlin Niamh Kayleigh Chantelle Tina Julie Dawn Mandy Sharon Deborah Angela Helen Louise"
)
SURNAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen "
    "James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook "
    "Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson "
    "Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali "
    "Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell "
    "Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur "
    "Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks "
    "West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton OBrien Watts Rose Booth "
    "Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter "
    "Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins "
    "Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane "
    "Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long "
    "Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins "
    "OConnor Harper Coleman Watkins Moss McCarthy Chambers ODonnell Griffin Sharp Hardy Wheeler "
    "Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May "
    "Pritchard "
    "Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt "
    "Barber Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch"
)
NICKNAMES = {
    "James": "Jim", "Robert": "Bob", "Michael": "Mike", "William": "Billy", "Richard": "Rick",
    "Thomas": "Tom", "Christopher": "Chris", "Daniel": "Danny", "Anthony": "Tony",
    "Jonathan": "Jon", "Samuel": "Sam", "Joseph": "Joe", "Elizabeth": "Liz", "Jennifer": "Jen",
    "Rebecca": "Becky", "Samantha": "Sam", "Nicola": "Nicky", "Deborah": "Debbie",
    "Patricia": "Trish", "Stephen": "Steve", "Kayleigh": "Kay", "Natalie": "Nat",
}  # fmt: skip

STREET_NAMES = _words(
    "High Street,Station Road,Church Street,Victoria Road,Green Lane,Manor Road,Park Road,"
    "Queen Street,Kings Road,Mill Lane,New Road,Grange Road,Albert Road,Springfield Road,"
    "Chester Road,London Road,York Road,Windsor Road,Highfield Road,Stanley Road,Alexandra Road,"
    "Princes Street,North Street,South Street,Market Street,Bridge Street,Water Lane,Elm Grove,"
    "Oak Avenue,Cedar Close,Beech Drive,Ash Grove,Willow Way,Meadow View,Brook Street,"
    "Orchard Close,Castle Street,Chapel Lane,School Lane,Union Street",
    ",",
)
BUILDINGS = ("Flat 1", "Flat 2", "Flat 3A", "Rose Cottage", "The Lodge", "Apartment 12",
             "Room 4", "Basement Flat", "Top Floor Flat")  # fmt: skip

CONTACT_NOTES = (
    "Discussed progress with sentence plan objectives; engaged well.",
    "Person on probation reports stable accommodation and looking for work.",
    "Phoned to rearrange appointment due to childcare; new date agreed.",
    "Text reminder sent for next appointment.",
    "Discussed alcohol use; agreed referral to local treatment service.",
    "Reported feeling low; signposted to GP and mental health support.",
    "Housing officer contacted regarding tenancy arrears.",
    "Attended on time. Completed work on thinking skills.",
    "Employment: started part-time job in warehouse, shift pattern provided.",
    "Victim liaison update received; no contact conditions reiterated.",
    "Police intelligence shared: no new concerns at this time.",
    "Left voicemail; no answer. Will try again tomorrow.",
    "Email received confirming attendance at programme session.",
    "Home visit completed; address verified, no concerns noted.",
    "Discussed compliance and consequences of further missed appointments.",
    "Reviewed licence conditions and curfew arrangements.",
)

# Provider code -> (description, private, PDUs (code suffix, name, town, postcode area), courts)
PROVIDERS: tuple[tuple[str, str, int, tuple[tuple[str, str, str, str], ...],
                       tuple[tuple[str, str, str], ...]], ...] = (
    ("N07", "NPS London", 0,
     (("CAI", "Camden and Islington", "London", "N7"),
      ("HKN", "Hackney", "London", "E8"),
      ("LMB", "Lambeth", "London", "SW9")),
     (("LNHCMC", "Highbury Corner Magistrates' Court", "London"),
      ("LNSNCC", "Snaresbrook Crown Court", "London"),
      ("LNCWMC", "Camberwell Green Magistrates' Court", "London"))),
    ("C01", "CRC Durham Tees Valley", 1,
     (("MBR", "Middlesbrough", "Middlesbrough", "TS1"),
      ("DAR", "Darlington", "Darlington", "DL1")),
     (("TSMBMC", "Teesside Magistrates' Court", "Middlesbrough"),
      ("TSCRCC", "Teesside Crown Court", "Middlesbrough"))),
    ("C02", "CRC Merseyside", 1,
     (("LIV", "Liverpool North", "Liverpool", "L4"),
      ("WIR", "Wirral", "Birkenhead", "CH41"),
      ("STH", "St Helens", "St Helens", "WA10")),
     (("MYLVMC", "Liverpool and Knowsley Magistrates' Court", "Liverpool"),
      ("MYWRMC", "Wirral Magistrates' Court", "Birkenhead"))),
    ("C03", "CRC West Yorkshire", 1,
     (("LDS", "Leeds", "Leeds", "LS9"),
      ("BRD", "Bradford", "Bradford", "BD3")),
     (("WYLDMC", "Leeds Magistrates' Court", "Leeds"),
      ("WYBDCC", "Bradford Crown Court", "Bradford"))),
    ("C04", "CRC Wales", 1,
     (("CDF", "Cardiff", "Cardiff", "CF24"),
      ("SWA", "Swansea", "Swansea", "SA1"),
      ("NPT", "Newport", "Newport", "NP20")),
     (("WLCFMC", "Cardiff Magistrates' Court", "Cardiff"),
      ("WLSWCC", "Swansea Crown Court", "Swansea"))),
)  # fmt: skip
TEAM_SUFFIXES = ("OMU A", "OMU B", "Offender Management", "Public Protection", "IOM",
                 "Community Team", "Women's Team")  # fmt: skip
