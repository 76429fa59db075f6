"""Hand-written news passages that trip up sentence segmenters.

Each case is the passage and the sentences a careful editor would cut it
into.  Shared by tests/test_segmentation.py and bench/segmenters.py.
"""

from typing import NamedTuple


class Case(NamedTuple):
    id: str
    text: str
    sentences: list[str]


TRICKY_CASES: list[Case] = [
    # --- abbreviations -------------------------------------------------------
    Case(
        "us-mid-sentence",
        "The U.S. economy grew at a 2.8% annual rate. Consumer spending led the gains.",
        [
            "The U.S. economy grew at a 2.8% annual rate.",
            "Consumer spending led the gains.",
        ],
    ),
    Case(
        "us-ends-sentence",
        "The envoy flew back to the U.S. He is expected to brief the president on Friday.",
        [
            "The envoy flew back to the U.S.",
            "He is expected to brief the president on Friday.",
        ],
    ),
    Case(
        "us-then-lowercase",
        "Imports to the U.S. fell sharply last month, the Commerce Department said.",
        ["Imports to the U.S. fell sharply last month, the Commerce Department said."],
    ),
    Case(
        "us-department",
        "She worked for the U.S. Department of State for 20 years. She retired in 2019.",
        [
            "She worked for the U.S. Department of State for 20 years.",
            "She retired in 2019.",
        ],
    ),
    Case(
        "uk-government",
        "The U.K. government said it would respond in due course. A spokesman declined "
        "to comment further.",
        [
            "The U.K. government said it would respond in due course.",
            "A spokesman declined to comment further.",
        ],
    ),
    Case(
        "un-eu",
        "U.N. Secretary-General António Guterres urged restraint. The E.U. backed his call.",
        [
            "U.N. Secretary-General António Guterres urged restraint.",
            "The E.U. backed his call.",
        ],
    ),
    Case(
        "mr-mrs-dr",
        "Mr. Smith met Mrs. Jones and Dr. Patel at the clinic on Monday. They discussed funding.",
        [
            "Mr. Smith met Mrs. Jones and Dr. Patel at the clinic on Monday.",
            "They discussed funding.",
        ],
    ),
    Case(
        "mr-and-mrs",
        "Mr. and Mrs. Clinton attended the ceremony. So did Ms. Obama.",
        ["Mr. and Mrs. Clinton attended the ceremony.", "So did Ms. Obama."],
    ),
    Case(
        "gen-sen",
        "Gen. Mark Milley testified before Sen. Elizabeth Warren's committee. The hearing "
        "lasted four hours.",
        [
            "Gen. Mark Milley testified before Sen. Elizabeth Warren's committee.",
            "The hearing lasted four hours.",
        ],
    ),
    Case(
        "military-and-political-titles",
        "Lt. Col. Alexander Vindman and Rep. Adam Schiff (D-Calif.) spoke first. "
        "Gov. Ron DeSantis did not attend.",
        [
            "Lt. Col. Alexander Vindman and Rep. Adam Schiff (D-Calif.) spoke first.",
            "Gov. Ron DeSantis did not attend.",
        ],
    ),
    Case(
        "month-abbreviation-mid-sentence",
        "The deal was signed on Dec. 12 in Paris, and it took effect on Jan. 1. "
        "Critics called it rushed.",
        [
            "The deal was signed on Dec. 12 in Paris, and it took effect on Jan. 1.",
            "Critics called it rushed.",
        ],
    ),
    Case(
        "month-abbreviation-date-ends-sentence",
        "The deadline is Dec. 31. Officials said Jan. 15 would be too late.",
        ["The deadline is Dec. 31.", "Officials said Jan. 15 would be too late."],
    ),
    Case(
        "month-abbreviation-year",
        "The index fell 1.5%. It was the worst day since Oct. 2008.",
        ["The index fell 1.5%.", "It was the worst day since Oct. 2008."],
    ),
    Case(
        "eg-ie",
        "Some staples, e.g. bread and milk, got cheaper. Others, i.e. fuel and rent, did not.",
        [
            "Some staples, e.g. bread and milk, got cheaper.",
            "Others, i.e. fuel and rent, did not.",
        ],
    ),
    Case(
        "etc-ends-sentence",
        "Protesters carried flags, banners, drums, etc. Police kept their distance.",
        ["Protesters carried flags, banners, drums, etc.", "Police kept their distance."],
    ),
    Case(
        "etc-mid-sentence",
        "Protesters carried flags, banners, drums, etc., and marched to parliament.",
        ["Protesters carried flags, banners, drums, etc., and marched to parliament."],
    ),
    Case(
        "no-10",
        "The prime minister returned to No. 10 Downing Street late on Tuesday. Aides "
        "said he was tired.",
        [
            "The prime minister returned to No. 10 Downing Street late on Tuesday.",
            "Aides said he was tired.",
        ],
    ),
    Case(
        "st-cathedral-and-city",
        "Mourners gathered at St. Paul's Cathedral. In St. Petersburg, crowds laid flowers.",
        ["Mourners gathered at St. Paul's Cathedral.", "In St. Petersburg, crowds laid flowers."],
    ),
    Case(
        "corporate-suffixes",
        "Apple Inc. and Microsoft Corp. reported results. Both beat forecasts.",
        ["Apple Inc. and Microsoft Corp. reported results.", "Both beat forecasts."],
    ),
    Case(
        "jr-and-state-abbreviation",
        "The company, based in St. Louis, Mo., filed for bankruptcy. Its founder, "
        "Robert Hale Jr., resigned.",
        [
            "The company, based in St. Louis, Mo., filed for bankruptcy.",
            "Its founder, Robert Hale Jr., resigned.",
        ],
    ),
    Case(
        "phd-versus",
        "She earned a Ph.D. in economics. The case was Smith vs. Jones.",
        ["She earned a Ph.D. in economics.", "The case was Smith vs. Jones."],
    ),
    # --- numbers -------------------------------------------------------------
    Case(
        "percent-decimals",
        "Inflation eased to 3.5% in May from 4.1% in April. Core prices rose 0.2%.",
        ["Inflation eased to 3.5% in May from 4.1% in April.", "Core prices rose 0.2%."],
    ),
    Case(
        "billions",
        "The company reported revenue of $1.2 billion. Shares fell 12.5% to $3.40.",
        ["The company reported revenue of $1.2 billion.", "Shares fell 12.5% to $3.40."],
    ),
    Case(
        "percentage-points",
        "The Fed raised rates by 0.25 percentage points. Markets rose 1.1 per cent on the news.",
        [
            "The Fed raised rates by 0.25 percentage points.",
            "Markets rose 1.1 per cent on the news.",
        ],
    ),
    Case(
        "pounds-and-version-numbers",
        "The deal, worth £3.5bn, was signed. Version 2.0.1 of the app fixed the bug.",
        ["The deal, worth £3.5bn, was signed.", "Version 2.0.1 of the app fixed the bug."],
    ),
    Case(
        "vote-tally",
        "The Senate vote was 52-48. The measure now goes to the House.",
        ["The Senate vote was 52-48.", "The measure now goes to the House."],
    ),
    # --- initials ------------------------------------------------------------
    Case(
        "tolkien",
        "The novel was written by J. R. R. Tolkien. It has sold millions of copies.",
        ["The novel was written by J. R. R. Tolkien.", "It has sold millions of copies."],
    ),
    Case(
        "george-w-bush",
        "President George W. Bush signed the bill in 2003. It took effect a year later.",
        ["President George W. Bush signed the bill in 2003.", "It took effect a year later."],
    ),
    Case(
        "yu-ushakov",
        "Kremlin aide Yu. Ushakov said the talks would continue. He gave no date.",
        ["Kremlin aide Yu. Ushakov said the talks would continue.", "He gave no date."],
    ),
    Case(
        "yu-v-ushakov",
        "Foreign policy adviser Yu. V. Ushakov told reporters the meeting was useful. "
        "Kyiv did not comment.",
        [
            "Foreign policy adviser Yu. V. Ushakov told reporters the meeting was useful.",
            "Kyiv did not comment.",
        ],
    ),
    Case(
        "initials-in-parentheses",
        "The physicist (Zh. I. Alferov) won the Nobel Prize in 2000. He died in 2019.",
        ["The physicist (Zh. I. Alferov) won the Nobel Prize in 2000.", "He died in 2019."],
    ),
    # --- a.m. / p.m. ---------------------------------------------------------
    Case(
        "am-weekday",
        "The meeting begins at 9 a.m. Tuesday in the Capitol. Reporters will be admitted.",
        ["The meeting begins at 9 a.m. Tuesday in the Capitol.", "Reporters will be admitted."],
    ),
    Case(
        "pm-time-zone",
        "Polls close at 4 p.m. ET. Results are expected by midnight.",
        ["Polls close at 4 p.m. ET.", "Results are expected by midnight."],
    ),
    Case(
        "am-time-zone-mid-sentence",
        "Trading opens at 9:30 a.m. EST on Monday, and futures were flat. Oil rose.",
        ["Trading opens at 9:30 a.m. EST on Monday, and futures were flat.", "Oil rose."],
    ),
    Case(
        "am-gmt-in-parentheses",
        "The vote is due at 9 a.m. (1400 GMT) on Thursday. Turnout is expected to be low.",
        [
            "The vote is due at 9 a.m. (1400 GMT) on Thursday.",
            "Turnout is expected to be low.",
        ],
    ),
    Case(
        "am-ends-sentence-before-capital",
        "The rally began at 10 a.m. Several hundred people attended.",
        ["The rally began at 10 a.m.", "Several hundred people attended."],
    ),
    Case(
        "am-then-lowercase",
        "The session ended at 11 a.m. and resumed after lunch. No votes were held.",
        ["The session ended at 11 a.m. and resumed after lunch.", "No votes were held."],
    ),
    Case(
        "am-pm-weekdays-twice",
        "He arrived at 7 a.m. Monday and left at 5 p.m. Friday. Nobody saw him leave.",
        ["He arrived at 7 a.m. Monday and left at 5 p.m. Friday.", "Nobody saw him leave."],
    ),
    Case(
        "pm-ends-text",
        "The trial ended at 3 p.m. The verdict is due at 10 a.m. Wednesday. "
        "The court adjourned at 4 p.m.",
        [
            "The trial ended at 3 p.m.",
            "The verdict is due at 10 a.m. Wednesday.",
            "The court adjourned at 4 p.m.",
        ],
    ),
    Case(
        "am-local-time",
        "Counting resumed at 6 a.m. local time. Results are due tonight.",
        ["Counting resumed at 6 a.m. local time.", "Results are due tonight."],
    ),
    # --- quotes --------------------------------------------------------------
    Case(
        "question-quote-then-attribution",
        '"Is this the end?" she asked. Nobody answered.',
        ['"Is this the end?" she asked.', "Nobody answered."],
    ),
    Case(
        "question-quote-ends-sentence",
        'He asked, "Is this the end?" Nobody answered.',
        ['He asked, "Is this the end?"', "Nobody answered."],
    ),
    Case(
        "two-quoted-sentences-run-together",
        'The judge asked, "Where is the evidence?" "There is none," the lawyer replied.',
        ['The judge asked, "Where is the evidence?"', '"There is none," the lawyer replied.'],
    ),
    Case(
        "two-quoted-sentences-curly",
        "“Is this the end?” “No,” he said.",
        ["“Is this the end?”", "“No,” he said."],
    ),
    Case(
        "period-inside-quote",
        'He told supporters: "We will win." Then he left the stage.',
        ['He told supporters: "We will win."', "Then he left the stage."],
    ),
    Case(
        "exclamation-inside-quote",
        'She wrote: "Enough is enough!" The post was deleted an hour later.',
        ['She wrote: "Enough is enough!"', "The post was deleted an hour later."],
    ),
    Case(
        "curly-double-quote",
        "The minister called the plan “unacceptable.” Talks collapsed hours later.",
        ["The minister called the plan “unacceptable.”", "Talks collapsed hours later."],
    ),
    Case(
        "curly-single-quote",
        "‘We will not back down.’ The minister then left the room.",
        ["‘We will not back down.’", "The minister then left the room."],
    ),
    Case(
        "apostrophe-curly",
        "Ukraine’s president rejected the offer. The US’s envoy said talks would go on.",
        ["Ukraine’s president rejected the offer.", "The US’s envoy said talks would go on."],
    ),
    # --- ellipses ------------------------------------------------------------
    Case(
        "ellipsis-mid-sentence",
        "The results were... disappointing, officials admitted. A review is under way.",
        [
            "The results were... disappointing, officials admitted.",
            "A review is under way.",
        ],
    ),
    Case(
        "ellipsis-ends-sentence",
        "He trailed off... The room fell silent.",
        ["He trailed off...", "The room fell silent."],
    ),
    Case(
        "unicode-ellipsis-ends-sentence",
        "It was a time of war… Nobody expected peace.",
        ["It was a time of war…", "Nobody expected peace."],
    ),
    Case(
        "unicode-ellipsis-mid-sentence",
        "The plan was… complicated, she said. Others agreed.",
        ["The plan was… complicated, she said.", "Others agreed."],
    ),
    # --- URLs and emails -----------------------------------------------------
    Case(
        "url-with-query-ends-sentence",
        "The report is at https://example.com/a.b?c=d. The page was updated on Monday.",
        ["The report is at https://example.com/a.b?c=d.", "The page was updated on Monday."],
    ),
    Case(
        "www-url-and-email",
        "Visit www.bbc.co.uk for updates. Tips can be sent to news@example.co.uk. "
        "We read every message.",
        [
            "Visit www.bbc.co.uk for updates.",
            "Tips can be sent to news@example.co.uk.",
            "We read every message.",
        ],
    ),
    Case(
        "www-url-with-query",
        "Details are posted at www.example.org/path?id=3&x=y. Officials confirmed them.",
        ["Details are posted at www.example.org/path?id=3&x=y.", "Officials confirmed them."],
    ),
    # --- layout: headlines, paragraphs, lists --------------------------------
    Case(
        "headline-on-own-line",
        "Putin rejects parts of US peace plan\n"
        "President Vladimir Putin said Moscow disagreed with parts of the plan. "
        "Talks will continue.",
        [
            "Putin rejects parts of US peace plan",
            "President Vladimir Putin said Moscow disagreed with parts of the plan.",
            "Talks will continue.",
        ],
    ),
    Case(
        "headline-and-byline-between-blank-lines",
        "Markets rally as inflation cools\n\nBy Jane Doe, Reuters\n\n"
        "Stocks rose on Wednesday. The S&P 500 gained 1.2%.",
        [
            "Markets rally as inflation cools",
            "By Jane Doe, Reuters",
            "Stocks rose on Wednesday.",
            "The S&P 500 gained 1.2%.",
        ],
    ),
    Case(
        "soft-wrapped-paragraphs",
        "The minister said the plan was\nfair. Critics disagreed.\n\nParliament votes\non Tuesday.",
        [
            "The minister said the plan was\nfair.",
            "Critics disagreed.",
            "Parliament votes\non Tuesday.",
        ],
    ),
    Case(
        "paragraph-without-final-stop",
        "Officials did not respond to requests for comment\n\nThe story is developing.",
        ["Officials did not respond to requests for comment", "The story is developing."],
    ),
    Case(
        "crlf-paragraphs",
        "The ceasefire held overnight.\r\n\r\nShelling resumed at dawn. Two people were hurt.\r\n",
        ["The ceasefire held overnight.", "Shelling resumed at dawn.", "Two people were hurt."],
    ),
    Case(
        "cr-line-per-paragraph",
        "Talks resume Monday\rDiplomats expect little progress.",
        ["Talks resume Monday", "Diplomats expect little progress."],
    ),
    Case(
        "numbered-list-lines",
        "The plan has three parts:\n1. Raise taxes\n2. Cut spending\n3. Hold a referendum",
        ["The plan has three parts:", "1. Raise taxes", "2. Cut spending", "3. Hold a referendum"],
    ),
    Case(
        "numbered-list-inline",
        "The plan has three steps. 1. Raise taxes. 2. Cut spending. 3. Hold a vote.",
        ["The plan has three steps.", "1. Raise taxes.", "2. Cut spending.", "3. Hold a vote."],
    ),
    Case(
        "bullet-list-in-wrapped-paragraph",
        "Key demands include:\n- a ceasefire\n- prisoner swaps\n\nTalks start today.",
        ["Key demands include:", "- a ceasefire", "- prisoner swaps", "Talks start today."],
    ),
    # --- parentheses ---------------------------------------------------------
    Case(
        "parenthetical-sentence",
        "He was sentenced to 12 years. (He plans to appeal.) His lawyer confirmed this.",
        ["He was sentenced to 12 years.", "(He plans to appeal.)", "His lawyer confirmed this."],
    ),
    Case(
        "parenthesis-mid-sentence",
        "The report (published on Monday) was damning. Two officials resigned.",
        ["The report (published on Monday) was damning.", "Two officials resigned."],
    ),
    Case(
        "page-reference-in-parentheses",
        "He cited an audit (see p. 12). It has been disputed.",
        ["He cited an audit (see p. 12).", "It has been disputed."],
    ),
    Case(
        "party-affiliation-in-parentheses",
        "Sen. Ed Markey (D-Mass.) voted no. The bill failed.",
        ["Sen. Ed Markey (D-Mass.) voted no.", "The bill failed."],
    ),
    # --- questions and exclamations ------------------------------------------
    Case(
        "rhetorical-questions",
        "Where is the money? Where are the jobs? Voters want answers.",
        ["Where is the money?", "Where are the jobs?", "Voters want answers."],
    ),
    Case(
        "exclamation",
        "It was the biggest rally since 2011! Police estimated 50,000 people.",
        ["It was the biggest rally since 2011!", "Police estimated 50,000 people."],
    ),
]
