"""English demo items: Manchester, Birmingham, Leeds. Synthetic, CC0."""
from common import Lang

L = Lang("en", {
    "Manchester Evening Post": "manchester-evening-post",
    "North West Health Journal": "nw-health-journal",
    "Brum Courier": "brum-courier",
    "Midlands Today Online": "midlands-today-online",
    "Yorkshire Evening Bulletin": "yorkshire-bulletin",
    "Leeds Live Wire": "leeds-livewire",
})
N, A, S = L.N, L.A, L.syndicated
FORM, LINE, MAIL = "Online feedback form", "Patient advice line", "Email"

# --- Syndicated group: ambulances queuing outside Leeds General Infirmary ------------------
q = N(27, "leeds", "Yorkshire Evening Bulletin", "news/lgi-ambulance-queue",
      "Pensioner waited nine hours in ambulance outside Leeds General Infirmary",
      """An 84-year-old woman with a suspected broken hip spent nine hours in the back of an ambulance
      outside Leeds General Infirmary because there was no space in the emergency department, her
      family has said. Her son described seeing a line of eleven ambulances queuing outside A&E on
      Saturday night. Leeds Teaching Hospitals apologised and said the department had seen one of its
      busiest weekends of the year. The trust said it was opening an extra assessment area to speed up
      handovers.""")
S(q, 26, "Leeds Live Wire", "health/nine-hours-ambulance-lgi",
  "Nine hours in an ambulance: family's anger at Leeds A&E delays",
  lead="The family of a Leeds pensioner have spoken out after a long wait at A&E.", drop_last=True)
S(q, 26, "North West Health Journal", "regions/yorkshire-ambulance-handover",
  "Ambulance handover delays at Leeds General Infirmary under scrutiny",
  lead="As first reported by the Yorkshire Evening Bulletin,")
S(q, 25, "Midlands Today Online", "national/lgi-handover-delays",
  "Leeds trust apologises after woman waits nine hours in ambulance",
  lead="Hospital handover delays are not confined to the Midlands.", drop_last=True)
A(25, "leeds", "email", MAIL,
  """I read about the lady left in the ambulance at the LGI. Exactly the same happened to my dad in
  October - seven hours outside, no toilet, nobody checking his pain relief. Something has to change
  with how Leeds handles ambulance handovers. Who is actually responsible for this?""")

# --- Mini-spike: norovirus ward closures in Manchester, days 33-36 ---------------------------
n = N(36, "manchester", "Manchester Evening Post", "news/norovirus-wards-closed",
      "Norovirus closes four wards at North Manchester General Hospital",
      """Four wards at North Manchester General Hospital have been closed to new admissions after an
      outbreak of norovirus. Visiting has been restricted and people with sickness or diarrhoea are
      asked to stay away for at least 48 hours after symptoms stop. The hospital said planned operations
      were going ahead but some patients might have their discharge delayed.""")
S(n, 35, "North West Health Journal", "regions/north-manchester-norovirus",
  "Winter vomiting bug hits North Manchester General", lead="According to the Manchester Evening Post,",
  drop_last=True)
A(35, "manchester", "text_appeal", FORM,
  """My mum is on one of the closed wards at North Manchester and we haven't been allowed in for 5 days.
  Nobody rings us back with updates, the ward phone just rings out. She has dementia and gets really
  confused without us. Please can someone call me.""")
A(34, "manchester", "hotline", LINE,
  """Caller from Manchester: husband's hip operation cancelled on the day because of the norovirus
  closures, no new date given. Asked for a rebooking. Passed to the surgical scheduling team.""")
N(33, "manchester", "Manchester Evening Post", "news/norovirus-wards-reopen",
  "Two North Manchester wards reopen as norovirus outbreak eases",
  """Two of the four wards shut by norovirus at North Manchester General Hospital have reopened after
  deep cleaning. Visiting restrictions remain on the other two wards.""")

# --- Manchester -----------------------------------------------------------------------------
N(58, "manchester", "Manchester Evening Post", "news/mri-new-scanners",
  "Manchester Royal Infirmary gets two new MRI scanners",
  """Two new MRI scanners have opened at Manchester Royal Infirmary, which the trust says will cut
  waiting times for scans by around a third. The scanners will run from 7am to 10pm seven days a week.""")
N(46, "manchester", "North West Health Journal", "regions/manchester-gp-phone-lines",
  "'I rang 87 times': Manchester patients describe 8am GP scramble",
  """Patients across Manchester say they are still struggling to get GP appointments, with some calling
  dozens of times at 8am only to be told all slots are gone. Local practices say demand is far higher
  than before the pandemic and that online booking is being expanded.""")
A(45, "manchester", "text_appeal", FORM,
  """I have been trying to get a GP appointment for my son for a week. Ring at 8am, number 34 in the
  queue, by the time I get through everything is gone. The online system says no appointments
  available. What am I supposed to do, take him to A&E for an ear infection?""")
N(40, "manchester", "Manchester Evening Post", "news/mri-sepsis-inquest",
  "Inquest told sepsis signs were missed at Manchester Royal Infirmary",
  """An inquest has heard that warning signs of sepsis were missed for several hours before the death
  of a 32-year-old father at Manchester Royal Infirmary. A consultant told the coroner the patient's
  observations were not escalated during a busy night shift. The trust said it had since changed its
  sepsis screening process.""")
A(30, "manchester", "email", MAIL,
  """Just wanted to say a massive thank you to the staff on the cardiac ward at Manchester Royal
  Infirmary. They looked after my grandad brilliantly and always had time to explain things to us.""")
A(22, "manchester", "hotline", LINE,
  """Caller unhappy with the attitude of a receptionist at a Manchester walk-in centre who told her to
  'stop wasting everyone's time'. Complaint logged and sent to the practice manager.""")
N(14, None, "Manchester Evening Post", "sport/derby-result",
  "United and City share the points in a tense derby",
  """Manchester United and Manchester City played out a 1-1 draw at Old Trafford, with both goals
  coming in the second half. City dominated possession but United's defence held firm late on.""",
  section="sport")
A(7, "manchester", "text_appeal", FORM,
  """NHS app keeps logging me out when I try to order my repeat prescription. Been like this since the
  update. My pharmacy in Manchester says they haven't received anything so I'm nearly out of my
  blood pressure tablets.""")
N(4, "manchester", "North West Health Journal", "regions/nhs-app-outage",
  "Repeat prescription problems after NHS app outage",
  """Patients in Manchester and other parts of the North West reported problems ordering repeat
  prescriptions through the NHS app after an outage lasting most of Monday. Pharmacists advised
  anyone running low on medication to contact their surgery or use NHS 111.""")

# --- Birmingham -----------------------------------------------------------------------------
N(55, "birmingham", "Brum Courier", "health/qe-robot-surgery",
  "Queen Elizabeth Hospital Birmingham passes 1,000 robotic operations",
  """Surgeons at Queen Elizabeth Hospital Birmingham have carried out their 1,000th robot-assisted
  operation. The hospital says patients who have the keyhole procedures usually go home days earlier
  than after open surgery.""")
N(49, "birmingham", "Midlands Today Online", "health/birmingham-hrt-shortage",
  "Birmingham women struggle to find HRT as shortages continue",
  """Women in Birmingham say they are travelling between several pharmacies to fill prescriptions for
  hormone replacement therapy, with some patches and gels out of stock for weeks. Pharmacists blame
  supply problems at manufacturers and say they are substituting where they can.""")
A(48, "birmingham", "text_appeal", FORM,
  """Been to five chemists in Birmingham for my HRT gel and nobody has it. Symptoms are back with a
  vengeance and I'm not sleeping. The GP says 'keep trying'. Is there any central list of who has
  stock?""")
N(37, "birmingham", "Brum Courier", "health/qe-corridor-care",
  "Patients treated in corridors at Queen Elizabeth Hospital",
  """Patients at Queen Elizabeth Hospital Birmingham are being treated on trolleys in corridors as
  the hospital struggles with high demand, according to staff who spoke to the Courier. One nurse said
  she had cared for patients in a corridor for an entire twelve-hour shift.""")
A(36, "birmingham", "hotline", LINE,
  """Caller from Birmingham: father, 79, spent 31 hours on a trolley in a corridor at the QE before
  getting a bed. Family want an explanation and an apology. Logged as a formal complaint.""")
N(28, "birmingham", "Midlands Today Online", "health/maternity-review",
  "Birmingham maternity unit told to improve after inspection",
  """Inspectors have told a Birmingham maternity unit it requires improvement after finding staff
  shortages meant women in labour sometimes waited too long to be assessed. The trust said it had
  recruited 40 additional midwives since the inspection.""")
A(27, "birmingham", "email", MAIL,
  """I gave birth in Birmingham last month and want to raise a concern. I was left alone for over
  two hours after asking for help, and when the midwife came she was short with me. The doctors
  were lovely but the night staffing was clearly not enough.""")
A(18, "birmingham", "text_appeal", FORM,
  """Thank you to the A&E team at Queen Elizabeth Hospital Birmingham who dealt with my daughter's
  broken arm on Sunday. We were seen within two hours and everyone was kind.""")
N(12, "birmingham", "Brum Courier", "health/ambulance-response-times",
  "Ambulance response times in Birmingham improve for third month",
  """Average response times for the most serious 999 calls in Birmingham have improved for the third
  month running, the ambulance service says, falling to just under eight minutes. Handover delays at
  hospitals remain the biggest challenge.""")
N(8, None, "Midlands Today Online", "traffic/m6-closure",
  "M6 closed overnight near Birmingham for bridge works",
  """The M6 will be closed in both directions between junctions 6 and 7 overnight this weekend for
  bridge repairs. Drivers are advised to allow extra time and follow signed diversions.""",
  section="traffic")
A(3, "birmingham", "hotline", LINE,
  """Caller from Birmingham asking why she was charged for a dental check-up when she receives
  Universal Credit. Explained exemption rules and how to claim a refund.""")

# --- Leeds ----------------------------------------------------------------------------------
N(53, "leeds", "Leeds Live Wire", "health/st-james-cancer-centre",
  "New radiotherapy machines at St James's University Hospital",
  """Three new radiotherapy machines have been installed at the cancer centre at St James's University
  Hospital in Leeds, allowing more patients to be treated closer to home and cutting waits for
  treatment.""")
A(50, "leeds", "text_appeal", FORM,
  """My chemotherapy at St James's has been postponed twice because of a 'pharmacy issue'. Nobody
  can tell me when it will be rescheduled. I'm terrified this will affect my chances. Please help.""")
N(42, "leeds", "Yorkshire Evening Bulletin", "news/leeds-gp-surgery-closes",
  "Leeds GP surgery closes leaving 6,000 patients to register elsewhere",
  """A GP surgery in south Leeds is closing after failing to recruit doctors, leaving around 6,000
  patients needing to register with nearby practices. Patients say neighbouring surgeries already
  have long waits.""")
A(41, "leeds", "hotline", LINE,
  """Caller from Leeds whose GP practice is closing cannot find a surgery accepting new patients within
  walking distance; she does not drive. Given list of practices and referred to the local ICB.""")
N(19, "leeds", "Leeds Live Wire", "health/children-heart-surgery",
  "Leeds children's heart unit celebrates record year",
  """The children's heart surgery unit at Leeds General Infirmary carried out a record number of
  operations this year, with survival rates above the national average, the trust has said.""")
A(16, "leeds", "email", MAIL,
  """Our two-year-old had heart surgery at Leeds General Infirmary and I cannot praise the team enough.
  The surgeons explained everything and the nurses on the ward were amazing with her.""")
N(10, "leeds", "Yorkshire Evening Bulletin", "news/measles-cases-leeds",
  "Parents urged to check MMR jabs after measles cases in Leeds",
  """Health officials have confirmed five cases of measles in Leeds, mostly in young children who had
  not had both doses of the MMR vaccine. Parents are being urged to check their children's red book
  and book catch-up jabs with their GP.""")
A(9, "leeds", "text_appeal", FORM,
  """Tried to book MMR catch-up for my twins after the measles news. GP surgery in Leeds says the
  nurse is fully booked for six weeks. Isn't this supposed to be urgent?""")
N(2, None, "Leeds Live Wire", "weather/storm-warning",
  "Yellow wind warning for Leeds as storm approaches",
  """The Met Office has issued a yellow warning for wind across West Yorkshire, with gusts of up to
  60mph expected in Leeds on Thursday. Travel disruption and power cuts are possible.""",
  section="weather")
A(1, "leeds", "hotline", LINE,
  """Caller from Leeds reporting that the hospital car park pay machines at St James's have been broken
  for a week and she received a fine while attending her mother's appointment. Passed to facilities.""")
N(0, "leeds", "Yorkshire Evening Bulletin", "news/lgi-new-assessment-unit",
  "Leeds General Infirmary opens new emergency assessment unit",
  """A new 24-bed assessment unit has opened next to the emergency department at Leeds General
  Infirmary, designed to cut ambulance handover delays and reduce the time patients spend waiting
  for a bed.""")
N(20, "manchester", "North West Health Journal", "policy/community-diagnostics",
  "Community diagnostic centre opens in north Manchester",
  """A community diagnostic centre offering scans, blood tests and heart checks has opened in north
  Manchester, part of a national programme to move tests out of hospitals and cut waiting lists.""")
A(55, "birmingham", "email", MAIL,
  """I would like to complain about being charged for parking while visiting my wife in intensive care
  at Queen Elizabeth Hospital Birmingham for three weeks. Families of critically ill patients should
  not be paying £80 a week.""")
A(31, "leeds", "text_appeal", FORM,
  """Rang 111 for my dad with chest pain, was told an ambulance would be two hours so we drove him to
  St James's ourselves. Turned out to be a heart attack. Lucky we didn't wait.""")

# --- more -----------------------------------------------------------------------------------
N(44, "leeds", "Leeds Live Wire", "health/st-james-pharmacy-delays",
  "Cancer patients in Leeds hit by chemotherapy delays",
  """Some cancer patients at St James's University Hospital in Leeds have had chemotherapy postponed
  because of a shortage of pharmacy staff who prepare the drugs. The trust said fewer than 5 per cent
  of treatments were affected and that urgent cases were being prioritised.""")
A(38, "manchester", "text_appeal", FORM,
  """I was discharged from Manchester Royal Infirmary at 11pm with no transport home and no medication,
  told to 'get it from your GP'. I'm 76 and live alone. That is not acceptable.""")
N(23, "birmingham", "Brum Courier", "health/birmingham-gp-online-booking",
  "Birmingham GP practices switch to online triage",
  """Dozens of GP practices in Birmingham have moved to online triage, asking patients to fill in a form
  before being offered a call or appointment. Charities have warned that older people without
  internet access risk being left behind.""")
A(13, "birmingham", "hotline", LINE,
  """Caller from Birmingham asking how to get a translated appointment letter for her mother, who reads
  only Urdu. Advised to request an interpreter via the practice. Resolved on the call.""")
N(6, "leeds", "Yorkshire Evening Bulletin", "news/measles-school-letter",
  "Second Leeds school reports measles case",
  """A second primary school in Leeds has written to parents after a pupil was diagnosed with measles.
  The UK Health Security Agency said close contacts who were not vaccinated had been advised to stay
  at home.""")

ITEMS = L.items
