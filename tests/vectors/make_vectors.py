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
w('header','contact_columns_joined', "Lead ID,Lead Name,Email,Phone,Source,Interest Level,Status,Mobile\nL-1,Ada,Ada@Example.com,+1 555 010 0100,Web,High,New,\nL-2,Bo,,+1 555 010 0101,Web,Low,Open,+1 555 010 0199\nL-3,Cy,,,Web,Low,Open,\n",
  leads=[L("L-1","Ada","ada@example.com; +1 555 010 0100","Web","High","New"), L("L-2","Bo","+1 555 010 0101; +1 555 010 0199","Web","Low","Open")])
w('header','contact_part_invalid', "Lead ID,Lead Name,Email,Phone,Source,Interest Level,Status\nL-1,Ada,ada@example.com,n/a,Web,High,New\nL-2,Bo,bo@example,+1 555 010 0101,Web,Low,Open\n")
w('header','caller_alias_of_two_contact_columns', "Lead ID,Lead Name,Email,Phone,Source,Interest Level,Status\nL-1,Ada,ada@example.com,+1 555 010 0100,Web,High,New\n",
  options={"aliases": {"Email": "contact_information"}},
  leads=[L("L-1","Ada","ada@example.com; +1 555 010 0100","Web","High","New")])
w('header','name_parts', "Lead ID,First Name,Last Name,Email,Source,Interest Level,Status\nL-1,Ada,Lovelace,ada@example.com,Web,High,New\nL-2,,Turing,alan@example.com,Web,Low,Open\nL-3,,,grace@example.com,Web,Low,Open\n",
  leads=[L("L-1","Ada Lovelace","ada@example.com","Web","High","New"), L("L-2","Turing","alan@example.com","Web","Low","Open")])
w('header','whole_name_wins_over_parts', "Lead ID,First Name,Full Name,Last Name,Email,Source,Interest Level,Status\nL-1,Ada,Ada Lovelace,Lovelace,ada@example.com,Web,High,New\n",
  leads=[L("L-1","Ada Lovelace","ada@example.com","Web","High","New")])
w('header','mapping', "Kundennr,Vorname,Nachname,E-Mail,Telefon,Kanal,Wärme,Phase,Notizen,Name\nK-1,Ada,Lovelace,ada@example.com,+49 30 1234567,Messe,Hot,Open,ruft zurück,Ignoriert\n",
  options={"mapping": {"Kundennr": "lead_id", "Vorname": "lead_name", "Nachname": "lead_name", "E-Mail": "contact_information", "Telefon": "contact_information", "Kanal": "source", "Wärme": "interest_level", "Phase": "status", "Notizen": None, "Name": None, "Not in this file": "salesperson"}},
  leads=[L("K-1","Ada Lovelace","ada@example.com; +49 30 1234567","Messe","High","Open")])
w('header','fuzzy', "Lead ID,Lead Name,Contact Infomation,Source,Intrest Level,Stauts\nL-1,Ada,ada@example.com,Web,High,New\n",
  leads=[L("L-1","Ada","ada@example.com","Web","High","New")])
w('header','suggestions', "Lead ID,Prospect Name,Email,Origin,Interest,Phase,Notes\nL-1,Ada,ada@example.com,Web,High,New,\n")
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

# ---- crm: one real export header per tool (extra columns included), no options ----
w('crm','hubspot_contacts', "Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Lead Status,Lifecycle Stage,Create Date,Original Source,Company Name,Mobile Phone Number,Associated Company ID,Last Activity Date\r\n"
  "51,Ada,Lovelace,ada@example.com,+44 20 7946 0001,Grace Hopper,Connected,Lead,2026-11-02 09:15,Organic Search,Analytical Engines,,,\r\n")
w('crm','salesforce_report', '"Lead ID","First Name","Last Name","Title","Company / Account","Email","Phone","Mobile","Lead Source","Lead Status","Rating","Lead Owner","Create Date"\r\n'
  '"00Q5e00000AbCdE","Ada","Lovelace","CTO","Analytical Engines","ada@example.com","(020) 7946 0001","","Web","Working - Contacted","Hot","Grace Hopper","11/2/2026"\r\n'
  '"00Q5e00000AbCdF","Alan","Turing","","Bletchley Park","","","+44 7700 900123","Trade Show","Closed - Converted","Warm","Grace Hopper","11/3/2026"\r\n'
  '"00Q5e00000AbCdG","Edsger","Dijkstra","","Mathematisch Centrum","edsger@example.nl","","","Partner Referral","Open - Not Contacted","","","11/4/2026"\r\n',
  leads=[L("00Q5e00000AbCdE","Ada Lovelace","ada@example.com; (020) 7946 0001","Web","High","Contacted","Grace Hopper"),
         L("00Q5e00000AbCdF","Alan Turing","+44 7700 900123","Trade Show","Medium","Won","Grace Hopper")])
w('crm','salesforce_data_loader', '"ID","FIRSTNAME","LASTNAME","COMPANY","EMAIL","PHONE","MOBILEPHONE","LEADSOURCE","STATUS","RATING","OWNERID","CREATEDDATE"\n'
  '"00Q5e00000AbCdE","Ada","Lovelace","Analytical Engines","ada@example.com","","","Web","Closed - Not Converted","Cold","0055e000001AbCd","2026-11-02T09:15:00.000Z"\n',
  leads=[L("00Q5e00000AbCdE","Ada Lovelace","ada@example.com","Web","Low","Lost")])
w('crm','zoho_leads', "Record Id,Lead Owner,First Name,Last Name,Company,Email,Phone,Mobile,Lead Source,Lead Status,Rating,Created Time\n"
  "zcrm_4876876000000123001,Grace Hopper,Ada,Lovelace,Analytical Engines,ada@example.com,,,Trade Show,Contacted,Hot,2026-11-02 09:15:00\n"
  "zcrm_4876876000000123002,Grace Hopper,Alan,Turing,Bletchley Park,alan@example.com,,,Web Download,Lost Lead,Warm,2026-11-03 10:00:00\n"
  "zcrm_4876876000000123003,,Edsger,Dijkstra,Mathematisch Centrum,edsger@example.nl,,,Cold Call,Not Contacted,Active,2026-11-04 11:00:00\n",
  leads=[L("zcrm_4876876000000123001","Ada Lovelace","ada@example.com","Trade Show","High","Contacted","Grace Hopper"),
         L("zcrm_4876876000000123002","Alan Turing","alan@example.com","Web Download","Medium","Lost","Grace Hopper")])
w('crm','pipedrive_people', "Person - ID,Person - Name,Person - First name,Person - Last name,Person - Label,Person - Organization,Person - Title,Person - Email - Work,Person - Email - Home,Person - Email - Other,Person - Phone - Work,Person - Phone - Mobile,Person - Owner,Person - Person created\n"
  "101,Ada Lovelace,Ada,Lovelace,Hot lead,Analytical Engines,CTO,ada@example.com,,,+44 20 7946 0001,,Grace Hopper,2026-11-02 09:15:00\n")
w('crm','pipedrive_people_name_parts', "Person - ID,Person - First name,Person - Last name,Person - Email - Work,Person - Phone - Mobile,Person - Label,Person - Owner\n"
  "101,Ada,Lovelace,ada@example.com,+44 7700 900123,Warm lead,Grace Hopper\n")
w('crm','mailchimp_audience', "Email Address,First Name,Last Name,Address,Phone Number,Birthday,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n"
  "ada@example.com,Ada,Lovelace,,+44 20 7946 0001,,2,2026-11-02 09:15:00,,2026-11-02 09:16:00,,,,,,,GB,,2026-11-02 09:16:00,123456789,a1b2c3d4e5,,\"newsletter\"\n")
w('crm','linkedin_connections', "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
  "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,ada@example.com,Analytical Engines,CTO,02 Nov 2026\n")
w('crm','spreadsheet_template', "Lead #,Contact Name,Company,Email,Phone,Lead Source,Rating,Stage,Sales Rep,Next Step\n"
  "1001,Ada Lovelace,Analytical Engines,ada@example.com,+44 20 7946 0001,Website,Hot,Qualified,Grace Hopper,Send proposal\n",
  leads=[L("1001","Ada Lovelace","ada@example.com; +44 20 7946 0001","Website","High","Qualified","Grace Hopper")])
crm_values = H + "\nL-1,Ada,ada@example.com,Web,Hot lead,Working - Contacted,\nL-2,Alan,alan@example.com,Web,cold LEAD,closed - converted,\nL-3,Edsger,edsger@example.nl,Web,Warm lead,In Progress,\nL-4,Grace,grace@example.com,Web,High,Connected,\n"
w('rows','crm_values', crm_values,
  leads=[L("L-1","Ada","ada@example.com","Web","High","Contacted"), L("L-2","Alan","alan@example.com","Web","Low","Won"),
         L("L-4","Grace","grace@example.com","Web","High","Contacted")])
w('rows','crm_values_without_synonyms', crm_values, options={"status_synonyms": False, "interest_synonyms": False})
w('rows','crm_values_with_own_statuses', crm_values, options={"statuses": ["Working - Contacted", "Contacted", "Won"]},
  leads=[L("L-1","Ada","ada@example.com","Web","High","Working - Contacted")])

# ---- preambles: Excel's sep= line, titles and notes above the header ----
w('header','sep_line', "sep=;\r\n" + H.replace(',', ';') + "\r\nL-1;Ada;ada@example.com;Web;High;New;\r\n",
  leads=[L("L-1","Ada","ada@example.com","Web","High","New")])
w('header','sep_line_forced_delimiter', "SEP=|\n" + H.replace(',', '|') + "\nL-1|Ada|ada@example.com|Web|High|New|\n", options={"delimiter": "|"})
w('header','title_above_header', "Leads export, November 2026,,,,,\n\n" + H + "\nL-1,Ada,ada@example.com,Web,High,New,\nL-2,Bo,bo@example,Web,High,New,\n",
  leads=[L("L-1","Ada","ada@example.com","Web","High","New")])
w('header','notes_above_header', "Exported by Grace\nFilter: all owners\n" + H.replace(',', ';') + "\nL-1;Ada;ada@example.com;Web;High;New;\n")
w('header','no_header_found', "Quarterly numbers\n" + "\n".join(f"row {i},x,y" for i in range(25)) + "\n")
w('header','better_header_past_search_window', "Title\n" + "\n".join(f"note {i}" for i in range(20)) + "\n" + H + "\nL-1,Ada,ada@example.com,Web,High,New,\n")

# ---- strictness: quotes out of place, control characters, undefined Windows-1252 bytes ----
w('rows','malformed_quote', H + ',Notes\nL-1,Ada,ada@example.com,Web,High,New,,fine\n'
  'L-2,"Acme "Widgets" Inc",acme@example.com,Web,High,New,,\n'
  'L-3,"Acme,"Inc,acme3@example.com,Web,High,New,,\n'
  'L-4,"Test \\" line 3",test@example.com,Web,High,New,,\n'
  'L-5,Bo "Bobby" Jones,bo@example.com,Web,High,New,,\n'
  'L-6, "Padded" ,pad@example.com,Web,High,New,,"note" later\n',
  leads=[L("L-1","Ada","ada@example.com","Web","High","New"), L("L-6","Padded","pad@example.com","Web","High","New")])
w('rows','invalid_character', H + '\nL-1,Ada\x00Lovelace,ada@example.com,Web,High,New,\nL-2,Bo,bo@example.com,Web\u0085Expo,High,New,\n'
  'L-3,"Cy\tTab",cy@example.com,Web,High,New,\nL-4,Di,di@example.com,Web,High,New,Rep\x1b[31m\n',
  leads=[L("L-3","Cy\tTab","cy@example.com","Web","High","New")])
w('encoding','windows1252_undefined_bytes', (H + "\nL-1,Andr\xe9,andre@example.com,Caf\xe9,Medium,Open,\n").encode('latin-1')
  + b"L-2,Bad\x81Byte,bad@example.com,Web,Low,New,\nL-3,Ok,ok@example.com,Web\x9d,Low,New,\n",
  leads=[L("L-1","André","andre@example.com","Café","Medium","Open")])
w("rows","field_count_stray_delimiter", H + "\nL-1,Lovelace, Ada,ada@example.com,Web,High,New,Sam\nL-2,Bo,bo@example.com,Trade Show, Booth 4,High,New,Sam\n")
