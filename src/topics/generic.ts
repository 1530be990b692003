import { lightStem } from '../text/stem.js';

/**
 * Words that are frequent in any prose and so never make a topic on their own,
 * however often a document repeats them. In a large library IDF already sinks
 * most of them; a one-document library has no IDF to speak of, so it needs this
 * list to prefer "Barter" over "Time". Stored light-stemmed, as topic terms are.
 */
const GENERIC_WORDS = `
time year day week month today tomorrow yesterday tonight morning evening night hour minute
moment period decade century era season
way thing something anything nothing everything someone anyone everyone somebody nobody people person
man men woman women child children kid family friend guy
lot kind sort type part piece half number amount example instance reason result effect fact
idea point question matter situation case place end beginning start side line term level word name
hand head eye face back front top bottom middle rest hope need view sign chance step role basis
interest attention effort course sense form area region world life country nation city town
decision process approach factor aspect opportunity insight comment status
republic kingdom federation union government state people
north south east west northern southern eastern western ago
thank thanks welcome morning afternoon
make take come go see know think want look use find give tell ask work seem feel try leave call
become put mean keep let begin help show hear play run move live believe bring happen write provide
sit stand lose pay meet include continue set learn change lead understand watch follow stop create
speak read allow add spend grow open walk win offer remember love consider appear wait serve die
send expect stay fall cut reach remain suggest raise pass require decide pull return explain carry
receive agree hit produce choose cause note according told added noted asked going done doing
getting making taking coming seeing knowing thinking looking using working trying saying called
good better best bad worse worst great big small large little long short high low old young early
late important different possible able sure certain real whole clear full free true major main
general special current recent previous former latter various several likely simple strong hard
easy close other another own far near right left already always never ever often sometimes soon
later again almost enough quite rather really actually probably perhaps instead indeed simply
especially particularly entirely largely mostly nearly recently currently finally fully certainly
clearly least less next first second third last new old
thing number percent hundred thousand million billion trillion three four five six seven eight nine
ten twenty dozen
january february march april june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
mr mrs ms dr sir madam
department office council board committee commission institute university college school agency
bureau administration district court affairs service center centre association foundation program
programme organization organisation initiative partnership fund coalition forum conference summit
act bill law order plan report statement release fact sheet press briefing readout remark
applause laughter inaudible crosstalk edt est et pt pst gmt utc am pm
whether although unless either neither toward towards among amongst across around behind beyond
despite throughout therefore thus hence whose whatever whenever wherever whichever everywhere
somewhere anywhere nowhere else otherwise besides meanwhile upon onto amid along
`;

/** Honorifics and office titles: "Prime Minister Imran Khan" is about Imran Khan. */
const TITLE_WORDS = `
president presidents vice prime minister ministers secretary secretaries deputy assistant chief
senator senators sen rep representative governor gov mayor ambassador chairman chairwoman chair
director spokesperson spokesman spokeswoman official officials leader leaders former acting general
senior advisor adviser counselor nominee extraordinary plenipotentiary ambassador designate
king queen prince princess sheikh emir chancellor premier commissioner judge justice attorney
mr mrs ms dr sir madam lord lady honorable hon
`;

const toSet = (list: string) => new Set(list.split(/\s+/).filter(Boolean).map(lightStem));

export const GENERIC: ReadonlySet<string> = toSet(GENERIC_WORDS);
export const TITLES: ReadonlySet<string> = toSet(TITLE_WORDS);
