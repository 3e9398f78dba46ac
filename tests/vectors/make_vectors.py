#!/usr/bin/env python3
"""Writes the input files of the test vectors byte for byte (see README.md)."""

# fmt: off
# (one case a line: the cases read as a table)
import json
import os

root = os.path.dirname(os.path.abspath(__file__))
H = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson"
def w(group, name, data, options=None, leads=None):
    d = os.path.join(root, group)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    open(os.path.join(d, name + '.csv'), 'wb').write(data)
    if options is not None:
        open(os.path.join(d, name + '.options.json'), 'w').write(json.dumps(options, ensure_ascii=False, indent=2) + '\n')
    if leads is not None:
        open(os.path.join(d, name + '.leads.json'), 'w').write(json.dumps(leads, ensure_ascii=False, indent=2) + '\n')
def L(i, n, c, s, il, st, sp=None):
    return dict(lead_id=i, lead_name=n, contact_information=c, source=s, interest_level=il, status=st, salesperson=sp)

# ---- spectrum: csv-spectrum cases adapted to lead headers ----
w('spectrum','simple', H+"\nL-1,Ada Lovelace,ada@example.com,Website,High,New,Grace Hopper\n",
  leads=[L("L-1","Ada Lovelace","ada@example.com","Website","High","New","Grace Hopper")])
w('spectrum','simple_crlf', (H+"\r\nL-1,Ada Lovelace,ada@example.com,Website,High,New,Grace Hopper\r\n"))
w('spectrum','comma_in_quotes', H+'\nL-1,"Lovelace, Ada",ada@example.com,"Trade Show, Booth 4",High,New,\n"L-2","Turing, Alan","+44 20 7946 0958, alan@example.com",Referral,Low,Open,"Hopper, Grace"\n',
  leads=[L("L-1","Lovelace, Ada","ada@example.com","Trade Show, Booth 4","High","New"),
         L("L-2","Turing, Alan","+44 20 7946 0958, alan@example.com","Referral","Low","Open","Hopper, Grace")])
w('spectrum','escaped_quotes', H+'\nL-1,"Ada ""The Countess"" Lovelace",ada@example.com,"Web form ""Contact us""",High,New,\n',
  leads=[L("L-1",'Ada "The Countess" Lovelace',"ada@example.com",'Web form "Contact us"',"High","New")])
w('spectrum','empty', H+"\nL-1,Ada,ada@example.com,Website,High,New,\nL-2,,,,,,\n,Alan,alan@example.com,,Low,Open,\n")
w('spectrum','empty_crlf', (H+"\r\nL-1,Ada,ada@example.com,Website,High,New,\r\nL-2,,,,,,\r\n,Alan,alan@example.com,,Low,Open,\r\n"))
w('spectrum','json', H+'\nL-1,Ada,ada@example.com,"{""campaign"": ""spring"", ""ids"": [1, 2]}",High,New,\n',
  leads=[L("L-1","Ada","ada@example.com",'{"campaign": "spring", "ids": [1, 2]}',"High","New")])
w('spectrum','newlines', H+'\nL-1,Ada,ada@example.com,"Trade Show\nBooth 4\nDay 2",High,New,\nL-2,Alan,alan@example,Referral,Low,Open,\n')
w('spectrum','newlines_crlf', (H+'\r\nL-1,Ada,ada@example.com,"Trade Show\r\nBooth 4",High,New,\r\nL-2,Alan,alan@example,Referral,Low,Open,\r\n'))
w('spectrum','newlines_cr', (H+'\rL-1,Ada,ada@example.com,"Trade Show\rBooth 4",High,New,\rL-2,Alan,alan@example,Referral,Low,Open,\r'))
w('spectrum','quotes_and_newlines', H+'\nL-1,"Ada\n""Countess""",ada@example.com,Website,High,New,\nL-2,"Alan ""Prof""\nTuring",alan@example,Referral,Low,Open,\n')
w('spectrum','utf8', H+"\nL-1,Zoë Ørsted,zoë@bücher.de,Salon Hôtel,High,New,José Núñez\nL-2,王小明,+86 10 6552 9988,微信,Low,Won,\n",
  leads=[L("L-1","Zoë Ørsted","zoë@bücher.de","Salon Hôtel","High","New","José Núñez"),
         L("L-2","王小明","+86 10 6552 9988","微信","Low","Won")])
w('spectrum','latin1', (H+"\nL-1,Andr\xe9 M\xfcller,andre@example.com,Caf\xe9 Expo,Medium,Open,\n").encode('latin-1'),
  leads=[L("L-1","André Müller","andre@example.com","Café Expo","Medium","Open")])
w('spectrum','location_coordinates', ("Lead ID,Lead Name,Contact Phone Number,Location Coordinates,Cities,Source,Interest Level,Status\n"
  "L-1,Modesto Office,02095257564,37\xb036'37.8\"N 121\xb02'17.9\"W,Modesto,Field visit,Medium,New").encode('latin-1'),
  leads=[L("L-1","Modesto Office","02095257564","Field visit","Medium","New")])
w('spectrum','null', H+'\nL-1,Ada,ada@example.com,Website,High,New,\nL-2,Alan,alan@example.com,"NULL",Low,Open,NULL\nL-3,Grace,grace@example.com,NULL,Medium,Won,null\n')
w('spectrum','newlines_as_ctrl_chars', "#This is a comment line exported above the header\n"+H+"\nL-1,Ada,ada@example.com,Website,High,New,\n")

# ---- encoding ----
body = "\nL-1,Zoë,zoe@example.com,Salon,Hot,open,Renée\n"
w('encoding','utf8_bom', b'\xef\xbb\xbf' + (H+body).encode('utf-8'),
  leads=[L("L-1","Zoë","zoe@example.com","Salon","High","Open","Renée")])
tab = (H.replace(',', '\t') + "\r\nL-1\tZoë\tzoe@example.com\tSalon\tWarm\tWon\t\r\nL-2\t李雷\t+86 10 6552 9988\tExpo\tCold\tLost\tRenée\r\n")
w('encoding','utf16le_bom', b'\xff\xfe' + tab.encode('utf-16-le'),
  leads=[L("L-1","Zoë","zoe@example.com","Salon","Medium","Won"), L("L-2","李雷","+86 10 6552 9988","Expo","Low","Lost","Renée")])
w('encoding','utf16be_bom', b'\xfe\xff' + tab.encode('utf-16-be'))
w('encoding','utf16le_lone_surrogate', b'\xff\xfe' + (H+"\nL-1,Zo").encode('utf-16-le') + b'\x00\xd8' + (",zoe@example.com,Salon,High,New,\nL-2,Ann,ann@example.com,Web,Low,New,\n").encode('utf-16-le'))
w('encoding','windows1252', (H+"\nL-1,\u201cBo\u201d Smith \u2013 CEO,bo@example.com,Expo \u20ac,High,New,\n").encode('cp1252'),
  leads=[L("L-1","\u201cBo\u201d Smith \u2013 CEO","bo@example.com","Expo \u20ac","High","New")])
w('encoding','forced_utf8_on_1252', (H+"\nL-1,Andr\xe9,andre@example.com,Expo,High,New,\nL-2,Bo,bo@example.com,Web,Low,New,\n").encode('latin-1'),
  options={"encoding":"utf-8"})
w('encoding','forced_1252_on_utf8', (H+"\nL-1,Zoë,zoe@example.com,Web,High,New,\n").encode('utf-8'),
  options={"encoding":"windows-1252"},
  leads=[L("L-1","ZoÃ«","zoe@example.com","Web","High","New")])

# ---- delimiter ----
w('delimiter','semicolon_decimal_commas', "Lead ID;Lead Name;Contact Information;Source;Budget;Interest Level;Status\nL-1;Ada;ada@example.com;Web;1,5;High;New\nL-2;Bo;+49 30 1234567;Fair;2,75;Low;Open\n",
  leads=[L("L-1","Ada","ada@example.com","Web","High","New"), L("L-2","Bo","+49 30 1234567","Fair","Low","Open")])
w('delimiter','tab', H.replace(',', '\t')+"\nL-1\tAda, Countess\tada@example.com\tWeb\tHigh\tNew\t\n")
w('delimiter','pipe', H.replace(',', '|')+"\nL-1|Ada|ada@example.com|Web|High|New|\nL-2|Bo|\"bo@example.com|+1 555 010 0100\"|Web|Low|New|\n")
w('delimiter','forced_semicolon', "Lead ID,Name;Contact Information;Source;Interest Level;Status\nL-1,A;Ada;ada@example.com;Web;High;New\n",
  options={"delimiter":";"})
w('delimiter','one_column', "Lead ID\nL-1\nL-2\n")

# ---- header ----
w('header','normalized', "lead_id,LEAD NAME,contactInformation,source ,interest-level,STATUS,assigned_salesperson\nL-1,Ada,ada@example.com,Web,High,New,Grace\n")
w('header','aliases', "ID,Name,Email,Lead Source,Rating,Stage,Owner\nL-1,Ada,ADA@Example.com,Web,hot,qualified,Grace\n",
  leads=[L("L-1","Ada","ada@example.com","Web","High","Qualified","Grace")])
w('header','caller_aliases', "Ref,Customer,Reach Me At,Came From,Heat,Pipeline,Rep\nL-1,Ada,ada@example.com,Web,High,New,Grace\n",
  options={"aliases":{"Ref":"lead_id","Reach me at":"contact_information","Came From":"source","Heat":"interest_level","Pipeline":"status","Customer":"lead_name"}})
w('header','unknown_column', H+",Notes,Budget\nL-1,Ada,ada@example.com,Web,High,New,,call back,1000\n")
w('header','duplicate_column', "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,lead id\nL-1,Ada,ada@example.com,Web,High,New,L-9\n")
w('header','alias_taken', "Lead ID,Lead Name,Email,Phone,Source,Interest Level,Status\nL-1,Ada,ada@example.com,+1 555 010 0100,Web,High,New\n")
w('header','missing_column', "Lead ID,Lead Name,Contact Information,Interest Level\nL-1,Ada,ada@example.com,High\n")
w('header','no_salesperson_column', "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ada,ada@example.com,Web,High,New\n",
  leads=[L("L-1","Ada","ada@example.com","Web","High","New")])
w('header','header_only', H+"\n")
w('header','empty', "")
w('header','blank_only', "\n  \n,,,\n\r\n")
w('header','unclosed_quote_in_header', 'Lead ID,"Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ada,ada@example.com,Web,High,New\n')
w('header','blank_lines_before_header', "\n\n"+H+"\nL-1,Ada,ada@example.com,Web,High,New,\nL-2,Bo,bo@example,Web,High,New,\n")

# ---- rows ----
w('rows','required', H+"\nL-1,,ada@example.com,Web,High,New,\n,Bo,bo@example.com,Web,High,New,\nL-3,Cy,,   ,High,New,\nL-4,Di,di@example.com,Web,,,\n")
w('rows','too_long', H+"\n"+"L"*129+",Ada,ada@example.com,Web,High,New,\nL-2,"+"N"*257+",bo@example.com,Web,High,New,\nL-3,Cy,cy@example.com,"+"S"*129+",High,New,"+"P"*129+"\nL-4,"+"é"*256+",di@example.com,Web,High,New,\n")
w('rows','invalid_choice', H+"\nL-1,Ada,ada@example.com,Web,Hotter,New,\nL-2,Bo,bo@example.com,Web,High,Pending,\nL-3,Cy,cy@example.com,Web,  medium ,  WON ,\n",
  leads=[L("L-3","Cy","cy@example.com","Web","Medium","Won")])
w('rows','interest_synonyms_off', H+"\nL-1,Ada,ada@example.com,Web,Hot,New,\nL-2,Bo,bo@example.com,Web,high,New,\n", options={"interest_synonyms": False})
w('rows','custom_statuses', H+"\nL-1,Ada,ada@example.com,Web,High,prospect,\nL-2,Bo,bo@example.com,Web,High,New,\n", options={"statuses":["Prospect","Customer","Churned"]},
  leads=[L("L-1","Ada","ada@example.com","Web","High","Prospect")])
w('rows','invalid_contact', H+"\nL-1,Ada,ada@example,Web,High,New,\nL-2,Bo,555-010,Web,High,New,\nL-3,Cy,cy@example.com; call me,Web,High,New,\nL-4,Di,\"Di@Example.COM / +1 (555) 010-0100 x42\",Web,High,New,\nL-5,Ed,+1 555 010 0100 ext. 7 | ED@EXAMPLE.ORG,Web,High,New,\nL-6,Fy,;;,Web,High,New,\n",
  leads=[L("L-4","Di","di@example.com / +1 (555) 010-0100 x42","Web","High","New"), L("L-5","Ed","+1 555 010 0100 ext. 7 | ed@example.org","Web","High","New")])
w('rows','duplicate_lead_id', H+"\nL-1,Ada,ada@example.com,Web,High,New,\nL-2,Bo,bo@example.com,Web,High,New,\n L-1 ,Ada again,ada@example.com,Web,High,New,\nl-1,Ada lower,ada@example.com,Web,High,New,\nL-1,Ada thrice,ada@example.com,Web,High,New,\n")
w('rows','field_count', H+"\nL-1,Ada,ada@example.com,Web,High\nL-2,Bo,bo@example.com,Web,High,New,,extra,more\nL-3,Cy,cy@example.com,Web,High,New,,,\nL-4,Di,di@example.com,Web,High,New,Sam\n")
w('rows','blank_rows', H+"\n\nL-1,Ada,ada@example.com,Web,High,New,\n,,,,,,\n   \n\r\n\" \",,,,,,\nL-2,Bo,bo@example.com,Web,High,New,\n\n")
w('rows','unclosed_quote', H+'\nL-1,Ada,ada@example.com,Web,High,New,\nL-2,"Bo,bo@example.com,Web,High,New,\nL-3,Cy,cy@example.com,Web,High,New,\n')
w('rows','trim_and_no_coercion', H+"\n  007 ,  Ada  , ada@example.com ,\tWeb\t, High ,New,  \n1e5,0042,+1 555 010 0100,00,Low,New,TRUE\n",
  leads=[L("007","Ada","ada@example.com","Web","High","New"), L("1e5","0042","+1 555 010 0100","00","Low","New","TRUE")])
w('rows','quoted_padding', H+'\nL-1, "Ada" ,ada@example.com,Web,High,New,\n')

# ---- limits ----
many = "".join(f"L-{i},N{i},bad-{i},Web,High,New,\n" for i in range(1, 6))
w('limits','max_issues', H+"\n"+many, options={"max_issues": 2})
w('limits','max_rows', H+"\nL-1,Ada,ada@example.com,Web,High,New,\nL-2,Bo,bo@example.com,Web,High,New,\nL-3,Cy,cy@example.com,Web,High,New,\n", options={"max_rows": 2})
w('limits','max_field_bytes', H+"\nL-1,Ada,ada@example.com,Web,High,New,\nL-2,Bo,bo@example.com,\"Trade Show, Hall 7, Booth 12\",High,New,\nL-3,Cy,cy@example.com,Web,High,New,\n", options={"max_field_bytes": 24})
w('limits','max_field_bytes_header', H+"\nL-1,Ada,ada@example.com,Web,High,New,\n", options={"max_field_bytes": 16})
w('limits','huge_quoted_field', H+"\nL-1,Ada,ada@example.com,\""+("Booth, "*10000)+"\",High,New,\nL-2,Bo,bo@example.com,Web,High,New,\n")
w('limits','max_bytes', H+"\nL-1,Ada,ada@example.com,Web,High,New,\nL-2,Bo,bo@example.com,Web,High,New,\nL-3,Cy,cy@example.com,Web,High,New,\n", options={"max_bytes": 150})
w('header','same_alias_twice', "Lead ID,Lead Name,Email,Source,Interest Level,Status,email\nL-1,Ada,ada@example.com,Web,High,New,ada@example.org\n")
