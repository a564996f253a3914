package contacts

// The vocabulary of the synthetic data generator. Lists are ordered from
// most to least common where the order matters (names are drawn with a
// mild skew towards the front, so "John" is commoner than "Thaddeus").

type culture struct {
	name  string
	first []string
	last  []string
}

var cultures = []culture{
	{"english",
		[]string{"James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
			"Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Andrew", "Joshua", "Kevin", "Brian",
			"Jonathan", "Ryan", "Jacob", "Nicholas", "Eric", "Benjamin", "Samuel", "Patrick", "Alexander", "Jack",
			"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
			"Lisa", "Nancy", "Emily", "Ashley", "Michelle", "Amanda", "Melissa", "Rebecca", "Laura", "Emma",
			"Olivia", "Sophie", "Charlotte", "Hannah", "Grace", "Chloe", "Zoë", "Abigail", "Megan", "Rachel",
			"Jon", "Johnny", "Jonathon", "Nathan", "Tyler", "Brandon", "Justin", "Aaron", "Adam", "Kyle",
			"Ethan", "Owen", "Liam", "Noah", "Mason", "Logan", "Lucas", "Harry", "Oliver", "George",
			"Amelia", "Isla", "Ava", "Mia", "Ella", "Lily", "Ruby", "Freya", "Evie", "Poppy",
			"Thaddeus", "Ignatius", "Percival", "Winifred", "Cornelius"},
		[]string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
			"Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis",
			"Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams",
			"Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans",
			"Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson",
			"Bailey", "Reed", "Kelly", "Howard", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Wood",
			"Bennett", "Gray", "Hughes", "Price", "Sanders", "Myers", "Long", "Ross", "Foster", "Powell",
			"Smithson", "Smithers", "Jennings", "O'Brien", "O'Connor", "McDonald", "MacLeod", "Fitzgerald", "Sullivan", "Walsh",
			"Whitaker", "Ashworth", "Fairbanks", "Hollingsworth", "Thistlewood"}},
	{"hispanic",
		[]string{"José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Alejandro", "Javier", "Fernando", "Ricardo",
			"Andrés", "Sebastián", "Diego", "Mateo", "Santiago", "Pablo", "Raúl", "Rubén", "Iván", "Óscar",
			"María", "Ana", "Lucía", "Sofía", "Carmen", "Isabel", "Valentina", "Camila", "Daniela", "Gabriela",
			"Inés", "Verónica", "Mónica", "Beatriz", "Elena", "Paula", "Marta", "Rocío", "Noemí", "Begoña"},
		[]string{"García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Pérez", "Sánchez", "Ramírez", "Torres",
			"Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Reyes", "Gutiérrez", "Ortiz", "Jiménez",
			"Ruiz", "Álvarez", "Castillo", "Romero", "Vargas", "Ramos", "Herrera", "Medina", "Aguilar", "Castro",
			"Núñez", "Muñoz", "Domínguez", "Vázquez", "Iglesias", "Peña", "Ibáñez", "Cortés", "Fuentes", "Serrano"}},
	{"german",
		[]string{"Lukas", "Leon", "Jonas", "Felix", "Maximilian", "Paul", "Tobias", "Florian", "Stefan", "Jürgen",
			"Jörg", "Matthias", "Andreas", "Sebastian", "Klaus", "Uwe", "Dieter", "Björn", "Kai", "Niklas",
			"Anna", "Lena", "Lea", "Katharina", "Julia", "Sabine", "Ute", "Jana", "Franziska", "Johanna",
			"Jülide", "Käthe", "Sönke", "Günther", "Hannelore", "Lotte", "Greta", "Frieda", "Mareike", "Birgit"},
		[]string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
			"Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
			"Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
			"Köhler", "Weiß", "Jäger", "Groß", "Vogel", "Günther", "Böhm", "Schütz", "Lorenz", "Kühn"}},
	{"french",
		[]string{"Jean", "Pierre", "Louis", "Hugo", "Jules", "Théo", "Antoine", "Nicolas", "François", "Étienne",
			"Jérôme", "Frédéric", "Sébastien", "Julien", "Mathieu", "Guillaume", "Rémi", "Benoît", "Cédric", "Loïc",
			"Camille", "Manon", "Léa", "Chloé", "Inès", "Céline", "Hélène", "Élodie", "Amélie", "Margaux",
			"Anaïs", "Gaëlle", "Maëlle", "Noémie", "Solène", "Aurélie", "Mélanie", "Clémence", "Josée", "Renée"},
		[]string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
			"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
			"Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
			"Légaré", "Bélanger", "Côté", "Gagné", "Pelletier", "Lévesque", "Bouchard", "Gauthier", "Thériault", "Fréchette"}},
	{"nordic",
		[]string{"Søren", "Lars", "Anders", "Nils", "Erik", "Magnus", "Mikkel", "Rasmus", "Henrik", "Jens",
			"Åsa", "Ingrid", "Freja", "Astrid", "Sigrid", "Maja", "Linnéa", "Karin", "Birgitta", "Signe"},
		[]string{"Andersen", "Nielsen", "Hansen", "Pedersen", "Jensen", "Larsen", "Sørensen", "Johansson", "Karlsson", "Nilsson",
			"Eriksson", "Lindström", "Åberg", "Öberg", "Bergström", "Lundqvist", "Højgaard", "Kjær", "Mørk", "Dahl"}},
	{"italian",
		[]string{"Giuseppe", "Giovanni", "Antonio", "Marco", "Luca", "Alessandro", "Francesco", "Matteo", "Lorenzo", "Davide",
			"Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Federica", "Elisa", "Niccolò"},
		[]string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
			"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti"}},
	{"polish",
		[]string{"Łukasz", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Wojciech", "Grzegorz",
			"Agnieszka", "Małgorzata", "Katarzyna", "Joanna", "Magdalena", "Ewa", "Zofia", "Dorota", "Barbara", "Gosia"},
		[]string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
			"Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król"}},
	{"portuguese",
		[]string{"João", "Pedro", "Gabriel", "Rafael", "Lucas", "Thiago", "Gonçalo", "Vinícius", "Caio", "Leandro",
			"Ana", "Beatriz", "Mariana", "Larissa", "Letícia", "Fernanda", "Juliana", "Conceição", "Luíza", "Thaís"},
		[]string{"Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Carvalho", "Almeida", "Ferreira", "Rodrigues",
			"Gonçalves", "Araújo", "Ribeiro", "Lima", "Barbosa", "Magalhães", "Brandão", "Simões", "Patrício", "Conceição"}},
	{"indian",
		[]string{"Aarav", "Vivek", "Rahul", "Amit", "Rohit", "Arjun", "Vikram", "Sanjay", "Rajesh", "Suresh",
			"Anil", "Karthik", "Pranav", "Siddharth", "Nikhil", "Priya", "Ananya", "Divya", "Pooja", "Neha",
			"Sneha", "Kavya", "Lakshmi", "Deepika", "Shreya", "Aishwarya", "Meera", "Nisha", "Swati", "Anjali"},
		[]string{"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Mehta",
			"Joshi", "Desai", "Shah", "Verma", "Chopra", "Malhotra", "Banerjee", "Chatterjee", "Mukherjee", "Krishnan",
			"Pillai", "Menon", "Agarwal", "Bhat", "Kulkarni", "Srinivasan", "Venkatesh", "Chauhan", "Saxena", "Kapoor"}},
	{"chinese",
		[]string{"Wei", "Jing", "Li", "Min", "Hui", "Xin", "Yan", "Jun", "Lei", "Hao",
			"Yi", "Fang", "Ling", "Qiang", "Jie", "Xiaoming", "Yuxuan", "Zihan", "Haoran", "Mei"},
		[]string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
			"Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo"}},
	{"japanese",
		[]string{"Haruto", "Yuto", "Sota", "Ren", "Takumi", "Hiroshi", "Kenji", "Takeshi", "Daiki", "Shōta",
			"Yui", "Aoi", "Sakura", "Hina", "Yuki", "Akiko", "Naomi", "Emi", "Kaori", "Yōko"},
		[]string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
			"Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Ōno"}},
	{"west_african",
		[]string{"Chinedu", "Emeka", "Oluwaseun", "Tunde", "Babajide", "Chukwuemeka", "Kwame", "Kofi", "Ikechukwu", "Segun",
			"Ngozi", "Chiamaka", "Adaeze", "Funmilayo", "Yetunde", "Amara", "Ifeoma", "Abena", "Folake", "Nneka"},
		[]string{"Okafor", "Adeyemi", "Okonkwo", "Eze", "Nwosu", "Balogun", "Okeke", "Adebayo", "Ogunleye", "Mensah",
			"Asante", "Boateng", "Chukwu", "Obi", "Nnamdi", "Olawale", "Afolabi", "Bello", "Danjuma", "Ibrahim"}},
	{"turkish",
		[]string{"Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Emre", "Burak", "Can", "Çağlar", "Oğuz",
			"Ayşe", "Fatma", "Zeynep", "Elif", "Büşra", "Gül", "Şule", "Özge", "Merve", "İpek"},
		[]string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
			"Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek"}},
	{"vietnamese",
		[]string{"Minh", "Anh", "Dũng", "Hùng", "Tuấn", "Khoa", "Phúc", "Quang", "Thảo", "Linh",
			"Hương", "Trang", "Ngọc", "Lan", "Mai", "Hà", "Thu", "Vy", "Nhung", "Hạnh"},
		[]string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
			"Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai"}},
}

// cultureIndex finds a culture by name; the table below refers to them by name.
func cultureIndex(name string) int {
	for i, c := range cultures {
		if c.name == name {
			return i
		}
	}
	panic("contacts: unknown culture " + name)
}

type place struct{ region, city string }

type weighted struct {
	name   string
	weight int
}

type countryInfo struct {
	code     string
	weight   int
	tld      string
	dial     string // country calling code
	nsnLen   int    // digits of the national significant number
	nsnFirst string // allowed first digits
	suffixes []string
	cultures []weighted
	places   []place
}

var countries = []countryInfo{
	{code: "US", weight: 34, tld: "com", dial: "1", nsnLen: 10, nsnFirst: "23456789", suffixes: []string{"Inc.", "LLC", "Corp.", ""},
		cultures: []weighted{{"english", 70}, {"hispanic", 13}, {"indian", 6}, {"chinese", 5}, {"west_african", 2}, {"german", 2}, {"italian", 2}},
		places: []place{{"California", "San Francisco"}, {"California", "Los Angeles"}, {"California", "San Jose"}, {"California", "San Diego"},
			{"New York", "New York"}, {"New York", "Buffalo"}, {"Texas", "Austin"}, {"Texas", "Dallas"}, {"Texas", "Houston"},
			{"Washington", "Seattle"}, {"Massachusetts", "Boston"}, {"Illinois", "Chicago"}, {"Georgia", "Atlanta"},
			{"Colorado", "Denver"}, {"Florida", "Miami"}, {"Florida", "Tampa"}, {"North Carolina", "Raleigh"},
			{"Pennsylvania", "Philadelphia"}, {"Pennsylvania", "Pittsburgh"}, {"Oregon", "Portland"}, {"Utah", "Salt Lake City"},
			{"Arizona", "Phoenix"}, {"Minnesota", "Minneapolis"}, {"Ohio", "Columbus"}, {"Michigan", "Detroit"}}},
	{code: "GB", weight: 9, tld: "co.uk", dial: "44", nsnLen: 10, nsnFirst: "127", suffixes: []string{"Ltd", "plc", "Ltd", ""},
		cultures: []weighted{{"english", 80}, {"indian", 8}, {"west_african", 4}, {"polish", 4}, {"chinese", 2}},
		places: []place{{"England", "London"}, {"England", "Manchester"}, {"England", "Birmingham"}, {"England", "Leeds"},
			{"England", "Bristol"}, {"England", "Cambridge"}, {"England", "Oxford"}, {"Scotland", "Edinburgh"}, {"Scotland", "Glasgow"},
			{"Wales", "Cardiff"}, {"Northern Ireland", "Belfast"}}},
	{code: "DE", weight: 7, tld: "de", dial: "49", nsnLen: 10, nsnFirst: "2345689", suffixes: []string{"GmbH", "AG", "GmbH & Co. KG", ""},
		cultures: []weighted{{"german", 85}, {"turkish", 8}, {"polish", 4}, {"italian", 3}},
		places: []place{{"Berlin", "Berlin"}, {"Bayern", "München"}, {"Bayern", "Nürnberg"}, {"Hamburg", "Hamburg"},
			{"Hessen", "Frankfurt am Main"}, {"Nordrhein-Westfalen", "Köln"}, {"Nordrhein-Westfalen", "Düsseldorf"},
			{"Baden-Württemberg", "Stuttgart"}, {"Sachsen", "Leipzig"}, {"Sachsen", "Dresden"}}},
	{code: "FR", weight: 5, tld: "fr", dial: "33", nsnLen: 9, nsnFirst: "123456789", suffixes: []string{"SAS", "SA", "SARL", ""},
		cultures: []weighted{{"french", 88}, {"west_african", 5}, {"hispanic", 3}, {"italian", 4}},
		places: []place{{"Île-de-France", "Paris"}, {"Auvergne-Rhône-Alpes", "Lyon"}, {"Provence-Alpes-Côte d'Azur", "Marseille"},
			{"Occitanie", "Toulouse"}, {"Nouvelle-Aquitaine", "Bordeaux"}, {"Hauts-de-France", "Lille"}, {"Pays de la Loire", "Nantes"},
			{"Grand Est", "Strasbourg"}}},
	{code: "ES", weight: 3, tld: "es", dial: "34", nsnLen: 9, nsnFirst: "6789", suffixes: []string{"S.L.", "S.A.", ""},
		cultures: []weighted{{"hispanic", 95}, {"french", 5}},
		places: []place{{"Comunidad de Madrid", "Madrid"}, {"Cataluña", "Barcelona"}, {"Comunidad Valenciana", "Valencia"},
			{"Andalucía", "Sevilla"}, {"Andalucía", "Málaga"}, {"País Vasco", "Bilbao"}}},
	{code: "MX", weight: 2, tld: "com.mx", dial: "52", nsnLen: 10, nsnFirst: "2345589", suffixes: []string{"S.A. de C.V.", ""},
		cultures: []weighted{{"hispanic", 100}},
		places:   []place{{"Ciudad de México", "Ciudad de México"}, {"Jalisco", "Guadalajara"}, {"Nuevo León", "Monterrey"}, {"Querétaro", "Querétaro"}}},
	{code: "IT", weight: 3, tld: "it", dial: "39", nsnLen: 10, nsnFirst: "03", suffixes: []string{"S.p.A.", "S.r.l.", ""},
		cultures: []weighted{{"italian", 95}, {"west_african", 5}},
		places:   []place{{"Lombardia", "Milano"}, {"Lazio", "Roma"}, {"Piemonte", "Torino"}, {"Emilia-Romagna", "Bologna"}, {"Toscana", "Firenze"}}},
	{code: "NL", weight: 2, tld: "nl", dial: "31", nsnLen: 9, nsnFirst: "1234567", suffixes: []string{"B.V.", "N.V.", ""},
		cultures: []weighted{{"english", 20}, {"german", 50}, {"turkish", 15}, {"indian", 15}},
		places:   []place{{"Noord-Holland", "Amsterdam"}, {"Zuid-Holland", "Rotterdam"}, {"Utrecht", "Utrecht"}, {"Noord-Brabant", "Eindhoven"}}},
	{code: "SE", weight: 2, tld: "se", dial: "46", nsnLen: 9, nsnFirst: "1234567", suffixes: []string{"AB", ""},
		cultures: []weighted{{"nordic", 90}, {"turkish", 5}, {"english", 5}},
		places:   []place{{"Stockholm", "Stockholm"}, {"Västra Götaland", "Göteborg"}, {"Skåne", "Malmö"}, {"Uppsala", "Uppsala"}}},
	{code: "DK", weight: 1, tld: "dk", dial: "45", nsnLen: 8, nsnFirst: "2345", suffixes: []string{"A/S", "ApS", ""},
		cultures: []weighted{{"nordic", 95}, {"english", 5}},
		places:   []place{{"Hovedstaden", "København"}, {"Midtjylland", "Aarhus"}, {"Syddanmark", "Odense"}}},
	{code: "PL", weight: 2, tld: "pl", dial: "48", nsnLen: 9, nsnFirst: "5678", suffixes: []string{"sp. z o.o.", "S.A.", ""},
		cultures: []weighted{{"polish", 97}, {"english", 3}},
		places:   []place{{"Mazowieckie", "Warszawa"}, {"Małopolskie", "Kraków"}, {"Dolnośląskie", "Wrocław"}, {"Pomorskie", "Gdańsk"}, {"Wielkopolskie", "Poznań"}}},
	{code: "PT", weight: 1, tld: "pt", dial: "351", nsnLen: 9, nsnFirst: "29", suffixes: []string{"Lda", "S.A.", ""},
		cultures: []weighted{{"portuguese", 100}},
		places:   []place{{"Lisboa", "Lisboa"}, {"Porto", "Porto"}, {"Braga", "Braga"}}},
	{code: "BR", weight: 4, tld: "com.br", dial: "55", nsnLen: 11, nsnFirst: "123456789", suffixes: []string{"Ltda.", "S.A.", ""},
		cultures: []weighted{{"portuguese", 85}, {"italian", 5}, {"japanese", 5}, {"german", 5}},
		places: []place{{"São Paulo", "São Paulo"}, {"São Paulo", "Campinas"}, {"Rio de Janeiro", "Rio de Janeiro"},
			{"Minas Gerais", "Belo Horizonte"}, {"Paraná", "Curitiba"}, {"Rio Grande do Sul", "Porto Alegre"}, {"Santa Catarina", "Florianópolis"}}},
	{code: "CA", weight: 4, tld: "ca", dial: "1", nsnLen: 10, nsnFirst: "2456789", suffixes: []string{"Inc.", "Ltd.", ""},
		cultures: []weighted{{"english", 60}, {"french", 20}, {"chinese", 8}, {"indian", 8}, {"italian", 4}},
		places: []place{{"Ontario", "Toronto"}, {"Ontario", "Ottawa"}, {"Québec", "Montréal"}, {"Québec", "Québec"},
			{"British Columbia", "Vancouver"}, {"Alberta", "Calgary"}}},
	{code: "AU", weight: 3, tld: "com.au", dial: "61", nsnLen: 9, nsnFirst: "2378", suffixes: []string{"Pty Ltd", ""},
		cultures: []weighted{{"english", 80}, {"chinese", 8}, {"indian", 6}, {"vietnamese", 3}, {"italian", 3}},
		places:   []place{{"New South Wales", "Sydney"}, {"Victoria", "Melbourne"}, {"Queensland", "Brisbane"}, {"Western Australia", "Perth"}}},
	{code: "IN", weight: 8, tld: "in", dial: "91", nsnLen: 10, nsnFirst: "6789", suffixes: []string{"Pvt. Ltd.", "Ltd.", ""},
		cultures: []weighted{{"indian", 100}},
		places: []place{{"Karnataka", "Bengaluru"}, {"Maharashtra", "Mumbai"}, {"Maharashtra", "Pune"}, {"Delhi", "New Delhi"},
			{"Telangana", "Hyderabad"}, {"Tamil Nadu", "Chennai"}, {"Haryana", "Gurugram"}, {"West Bengal", "Kolkata"}}},
	{code: "CN", weight: 3, tld: "cn", dial: "86", nsnLen: 11, nsnFirst: "1", suffixes: []string{"Co., Ltd.", ""},
		cultures: []weighted{{"chinese", 100}},
		places:   []place{{"Beijing", "Beijing"}, {"Shanghai", "Shanghai"}, {"Guangdong", "Shenzhen"}, {"Guangdong", "Guangzhou"}, {"Zhejiang", "Hangzhou"}}},
	{code: "JP", weight: 3, tld: "co.jp", dial: "81", nsnLen: 10, nsnFirst: "3679", suffixes: []string{"K.K.", "Co., Ltd.", ""},
		cultures: []weighted{{"japanese", 100}},
		places:   []place{{"Tokyo", "Tokyo"}, {"Osaka", "Osaka"}, {"Kanagawa", "Yokohama"}, {"Aichi", "Nagoya"}, {"Fukuoka", "Fukuoka"}}},
	{code: "NG", weight: 1, tld: "com.ng", dial: "234", nsnLen: 10, nsnFirst: "789", suffixes: []string{"Ltd", "Plc", ""},
		cultures: []weighted{{"west_african", 100}},
		places:   []place{{"Lagos", "Lagos"}, {"FCT", "Abuja"}, {"Rivers", "Port Harcourt"}}},
	{code: "TR", weight: 1, tld: "com.tr", dial: "90", nsnLen: 10, nsnFirst: "25", suffixes: []string{"A.Ş.", "Ltd. Şti.", ""},
		cultures: []weighted{{"turkish", 100}},
		places:   []place{{"İstanbul", "İstanbul"}, {"Ankara", "Ankara"}, {"İzmir", "İzmir"}}},
	{code: "CH", weight: 1, tld: "ch", dial: "41", nsnLen: 9, nsnFirst: "2347", suffixes: []string{"AG", "SA", "GmbH"},
		cultures: []weighted{{"german", 60}, {"french", 30}, {"italian", 10}},
		places:   []place{{"Zürich", "Zürich"}, {"Genève", "Genève"}, {"Basel-Stadt", "Basel"}, {"Bern", "Bern"}, {"Vaud", "Lausanne"}}},
	{code: "IE", weight: 1, tld: "ie", dial: "353", nsnLen: 9, nsnFirst: "1248", suffixes: []string{"Ltd", "DAC", ""},
		cultures: []weighted{{"english", 85}, {"polish", 10}, {"indian", 5}},
		places:   []place{{"Leinster", "Dublin"}, {"Munster", "Cork"}, {"Connacht", "Galway"}}},
	{code: "VN", weight: 1, tld: "vn", dial: "84", nsnLen: 9, nsnFirst: "389", suffixes: []string{"JSC", "Co., Ltd.", ""},
		cultures: []weighted{{"vietnamese", 100}},
		places:   []place{{"Hà Nội", "Hà Nội"}, {"Hồ Chí Minh", "Hồ Chí Minh"}, {"Đà Nẵng", "Đà Nẵng"}}},
}

// Industries, each with words that companies of the industry put in their
// names.
var industries = []struct {
	name  string
	nouns []string
}{
	{"Software", []string{"Software", "Labs", "Systems", "Technologies", "Cloud", "Apps", "Digital", "AI"}},
	{"IT Services", []string{"IT Services", "Solutions", "Consulting", "Networks", "Tech"}},
	{"Financial Services", []string{"Capital", "Financial", "Partners", "Investments", "Wealth"}},
	{"Banking", []string{"Bank", "Bancorp", "Trust", "Savings"}},
	{"Insurance", []string{"Insurance", "Assurance", "Mutual", "Underwriters"}},
	{"Healthcare", []string{"Health", "Medical", "Care", "Clinics", "Hospital Group"}},
	{"Pharmaceuticals", []string{"Pharma", "Therapeutics", "Pharmaceuticals"}},
	{"Biotechnology", []string{"Bio", "Biosciences", "Genomics", "Biotech"}},
	{"Manufacturing", []string{"Manufacturing", "Industries", "Works", "Fabrication", "Components"}},
	{"Automotive", []string{"Motors", "Automotive", "Mobility", "Auto Parts"}},
	{"Retail", []string{"Retail", "Stores", "Market", "Outfitters", "Goods"}},
	{"E-commerce", []string{"Commerce", "Shop", "Marketplace", "Direct"}},
	{"Telecommunications", []string{"Telecom", "Communications", "Wireless", "Broadband"}},
	{"Media", []string{"Media", "Studios", "Publishing", "Entertainment", "Broadcasting"}},
	{"Education", []string{"Learning", "Academy", "Education", "Institute"}},
	{"Logistics", []string{"Logistics", "Freight", "Shipping", "Transport", "Supply Chain"}},
	{"Energy", []string{"Energy", "Power", "Renewables", "Solar", "Utilities"}},
	{"Real Estate", []string{"Properties", "Realty", "Estates", "Real Estate"}},
	{"Construction", []string{"Construction", "Builders", "Engineering", "Infrastructure"}},
	{"Management Consulting", []string{"Consulting", "Advisors", "Strategy", "Associates"}},
	{"Legal Services", []string{"Law", "Legal", "Attorneys", "& Partners"}},
	{"Hospitality", []string{"Hotels", "Hospitality", "Resorts", "Travel"}},
	{"Food & Beverage", []string{"Foods", "Beverages", "Brewing", "Kitchen", "Farms"}},
	{"Marketing & Advertising", []string{"Marketing", "Creative", "Agency", "Brands", "Advertising"}},
}

// Words company names start with.
var companyWords = []string{
	"Acme", "Apex", "Atlas", "Aurora", "Beacon", "Blue River", "Bright", "Cedar", "Clearwater", "Cobalt",
	"Crescent", "Crimson", "Delta", "Eagle", "Echo", "Element", "Emerald", "Evergreen", "Falcon", "Forge",
	"Frontier", "Galaxy", "Granite", "Harbor", "Helix", "Horizon", "Ironwood", "Juniper", "Keystone", "Lakeside",
	"Liberty", "Lighthouse", "Lumen", "Maple", "Meridian", "Northwind", "Nova", "Oak Ridge", "Orbit", "Pacific",
	"Pinnacle", "Pioneer", "Polaris", "Prism", "Quantum", "Redwood", "Ridgeline", "Sapphire", "Sequoia", "Silverline",
	"Skyline", "Summit", "Sunrise", "Titan", "Trident", "Union", "Vanguard", "Vertex", "Vista", "Willow",
	"Zenith", "Alpine", "Anchor", "Arrow", "Bluebird", "Boulder", "Canyon", "Cascade", "Catalyst", "Citadel",
	"Compass", "Copper", "Coral", "Cypress", "Dynamo", "Ember", "Fjord", "Fusion", "Glacier", "Golden Gate",
	"Greenfield", "Highland", "Indigo", "Kestrel", "Lantern", "Magnolia", "Mosaic", "Nimbus", "Oasis", "Onyx",
	"Osprey", "Paragon", "Phoenix", "Quarry", "Radiant", "Sierra", "Spectrum", "Stellar", "Tandem", "Terra",
	"Nordlicht", "Sonnenberg", "Edelweiß", "Lumière", "Étoile", "Château", "Solaris", "Aurelia", "Brisa", "Montaña",
	"Sakura", "Fuji", "Lotus", "Jade", "Mekong", "Ganga", "Himalaya", "Savanna", "Baobab", "Bosphorus",
}

// Invented brand stems, combined with endings to make one-word names
// ("Zentrix", "Novalink").
var brandStems = []string{"Zen", "Nov", "Vel", "Cor", "Lum", "Syn", "Ver", "Quin", "Tor", "Xyl",
	"Kal", "Mir", "Ast", "Bri", "Dax", "Fen", "Gal", "Hyp", "Jor", "Lex", "Mav", "Nex", "Orb", "Pyx", "Rav", "Sol", "Tav", "Ul", "Vyn", "Zor"}
var brandEndings = []string{"trix", "alink", "ora", "ify", "io", "ex", "agon", "ium", "ly", "ent", "ara", "ovo", "eon", "ica", "ulus"}

// Seniorities and departments: stable codes that filters and facets use.
var seniorityWeights = []weighted{
	{"entry", 33}, {"senior", 24}, {"manager", 17}, {"director", 10}, {"head", 4}, {"vp", 6}, {"c_suite", 3}, {"owner", 3},
}

var departmentWeights = []weighted{
	{"engineering", 18}, {"sales", 17}, {"marketing", 9}, {"operations", 9}, {"finance", 8}, {"it", 7},
	{"human_resources", 6}, {"customer_success", 6}, {"product", 5}, {"data", 4}, {"design", 3}, {"legal", 3}, {"executive", 5},
}

// Seniorities and Departments list the valid filter values.
var (
	Seniorities = []string{"owner", "c_suite", "vp", "head", "director", "manager", "senior", "entry"}
	Departments = []string{"executive", "engineering", "sales", "marketing", "operations", "finance", "it",
		"human_resources", "customer_success", "product", "data", "design", "legal"}
	EmployeeRanges = []string{"1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"}
	RevenueRanges  = []string{"<1M", "1M-10M", "10M-50M", "50M-100M", "100M-500M", "500M-1B", "1B+"}
)

// titles[department][seniority] are the titles a person of that seniority in
// that department holds. "%s" is not used: titles are whole strings so that
// search sees exactly what a person would type.
var titles = map[string]map[string][]string{
	"executive": {
		"owner":    {"Owner", "Founder", "Co-Founder", "Founder & CEO", "Managing Partner", "Proprietor"},
		"c_suite":  {"Chief Executive Officer", "CEO", "President", "Chief Operating Officer", "COO", "Chief Strategy Officer"},
		"vp":       {"Executive Vice President", "Senior Vice President, Strategy", "VP of Corporate Development"},
		"head":     {"Head of Strategy", "Chief of Staff"},
		"director": {"Director of Strategy", "Director, Corporate Development"},
		"manager":  {"Business Operations Manager", "Executive Office Manager"},
		"senior":   {"Senior Executive Assistant", "Senior Strategy Analyst"},
		"entry":    {"Executive Assistant", "Strategy Analyst"},
	},
	"engineering": {
		"c_suite":  {"Chief Technology Officer", "CTO"},
		"vp":       {"VP of Engineering", "Vice President, Engineering", "SVP Engineering"},
		"head":     {"Head of Engineering", "Head of Platform Engineering", "Head of Mobile"},
		"director": {"Director of Engineering", "Engineering Director", "Director, Software Development"},
		"manager":  {"Engineering Manager", "Software Development Manager", "QA Manager", "Manager, Platform Engineering"},
		"senior": {"Senior Software Engineer", "Staff Engineer", "Principal Engineer", "Senior Backend Engineer",
			"Senior Frontend Developer", "Lead Developer", "Senior DevOps Engineer", "Senior QA Engineer"},
		"entry": {"Software Engineer", "Backend Developer", "Frontend Developer", "Full Stack Developer", "DevOps Engineer",
			"QA Engineer", "Mobile Developer", "Site Reliability Engineer", "Junior Software Engineer", "Embedded Engineer"},
	},
	"sales": {
		"c_suite":  {"Chief Revenue Officer", "Chief Sales Officer"},
		"vp":       {"VP of Sales", "Vice President, Sales", "VP Business Development", "SVP Global Sales"},
		"head":     {"Head of Sales", "Head of Business Development", "Head of Partnerships"},
		"director": {"Sales Director", "Director of Sales", "Regional Sales Director", "Director, Enterprise Sales"},
		"manager":  {"Sales Manager", "Regional Sales Manager", "Account Manager", "Inside Sales Manager", "Partner Manager"},
		"senior":   {"Senior Account Executive", "Enterprise Account Executive", "Key Account Manager", "Senior Sales Engineer"},
		"entry":    {"Account Executive", "Sales Development Representative", "Business Development Representative", "Sales Representative", "Sales Engineer"},
	},
	"marketing": {
		"c_suite":  {"Chief Marketing Officer", "CMO"},
		"vp":       {"VP of Marketing", "Vice President, Marketing", "VP Growth"},
		"head":     {"Head of Marketing", "Head of Growth", "Head of Brand"},
		"director": {"Marketing Director", "Director of Demand Generation", "Director, Product Marketing"},
		"manager":  {"Marketing Manager", "Product Marketing Manager", "Content Marketing Manager", "Digital Marketing Manager", "Brand Manager"},
		"senior":   {"Senior Marketing Specialist", "Senior Content Strategist", "Senior SEO Specialist", "Senior Growth Marketer"},
		"entry":    {"Marketing Coordinator", "Marketing Specialist", "Content Writer", "Social Media Specialist", "SEO Specialist", "Marketing Associate"},
	},
	"operations": {
		"c_suite":  {"Chief Operating Officer", "COO"},
		"vp":       {"VP of Operations", "Vice President, Operations", "VP Supply Chain"},
		"head":     {"Head of Operations", "Head of Supply Chain"},
		"director": {"Operations Director", "Director of Operations", "Director, Logistics"},
		"manager":  {"Operations Manager", "Supply Chain Manager", "Logistics Manager", "Facilities Manager", "Project Manager"},
		"senior":   {"Senior Operations Analyst", "Senior Project Manager", "Senior Buyer"},
		"entry":    {"Operations Analyst", "Operations Coordinator", "Logistics Coordinator", "Buyer", "Procurement Specialist"},
	},
	"finance": {
		"c_suite":  {"Chief Financial Officer", "CFO"},
		"vp":       {"VP of Finance", "Vice President, Finance", "Treasurer"},
		"head":     {"Head of Finance", "Head of FP&A"},
		"director": {"Finance Director", "Financial Controller", "Director of FP&A"},
		"manager":  {"Finance Manager", "Accounting Manager", "Payroll Manager", "Tax Manager"},
		"senior":   {"Senior Accountant", "Senior Financial Analyst", "Senior Auditor"},
		"entry":    {"Accountant", "Financial Analyst", "Accounts Payable Specialist", "Bookkeeper", "Junior Accountant"},
	},
	"it": {
		"c_suite":  {"Chief Information Officer", "CIO", "Chief Information Security Officer"},
		"vp":       {"VP of IT", "Vice President, Information Technology"},
		"head":     {"Head of IT", "Head of Information Security"},
		"director": {"IT Director", "Director of Information Technology", "Director, Infrastructure"},
		"manager":  {"IT Manager", "Network Manager", "Security Operations Manager", "Service Desk Manager"},
		"senior":   {"Senior Systems Administrator", "Senior Network Engineer", "Senior Security Engineer", "Cloud Architect"},
		"entry":    {"Systems Administrator", "Network Engineer", "IT Support Specialist", "Security Analyst", "Help Desk Technician"},
	},
	"human_resources": {
		"c_suite":  {"Chief People Officer", "Chief Human Resources Officer"},
		"vp":       {"VP of People", "Vice President, Human Resources"},
		"head":     {"Head of People", "Head of Talent Acquisition"},
		"director": {"HR Director", "Director of Talent", "Director, People Operations"},
		"manager":  {"HR Manager", "Recruiting Manager", "People Operations Manager", "Talent Acquisition Manager"},
		"senior":   {"Senior Recruiter", "Senior HR Business Partner", "Senior Talent Partner"},
		"entry":    {"Recruiter", "HR Generalist", "HR Coordinator", "Talent Sourcer", "People Operations Specialist"},
	},
	"customer_success": {
		"c_suite":  {"Chief Customer Officer"},
		"vp":       {"VP of Customer Success", "Vice President, Customer Experience"},
		"head":     {"Head of Customer Success", "Head of Support"},
		"director": {"Director of Customer Success", "Customer Support Director"},
		"manager":  {"Customer Success Manager", "Support Manager", "Customer Experience Manager"},
		"senior":   {"Senior Customer Success Manager", "Senior Support Engineer", "Technical Account Manager"},
		"entry":    {"Customer Success Associate", "Customer Support Specialist", "Support Engineer", "Onboarding Specialist"},
	},
	"product": {
		"c_suite":  {"Chief Product Officer", "CPO"},
		"vp":       {"VP of Product", "Vice President, Product Management"},
		"head":     {"Head of Product"},
		"director": {"Director of Product Management", "Product Director", "Group Product Manager"},
		"manager":  {"Product Manager", "Technical Product Manager", "Product Owner"},
		"senior":   {"Senior Product Manager", "Principal Product Manager", "Senior Product Owner"},
		"entry":    {"Associate Product Manager", "Product Analyst", "Junior Product Manager"},
	},
	"data": {
		"c_suite":  {"Chief Data Officer"},
		"vp":       {"VP of Data", "Vice President, Analytics"},
		"head":     {"Head of Data", "Head of Analytics", "Head of Machine Learning"},
		"director": {"Director of Data Science", "Analytics Director", "Director, Data Engineering"},
		"manager":  {"Data Science Manager", "Analytics Manager", "Data Engineering Manager"},
		"senior":   {"Senior Data Scientist", "Senior Data Engineer", "Senior Machine Learning Engineer", "Lead Data Analyst"},
		"entry":    {"Data Scientist", "Data Analyst", "Data Engineer", "Machine Learning Engineer", "BI Analyst"},
	},
	"design": {
		"c_suite":  {"Chief Design Officer"},
		"vp":       {"VP of Design"},
		"head":     {"Head of Design", "Head of UX"},
		"director": {"Design Director", "Creative Director", "Director of User Experience"},
		"manager":  {"Design Manager", "UX Manager"},
		"senior":   {"Senior Product Designer", "Senior UX Designer", "Lead Designer", "Senior UX Researcher"},
		"entry":    {"Product Designer", "UX Designer", "UI Designer", "Graphic Designer", "UX Researcher"},
	},
	"legal": {
		"c_suite":  {"Chief Legal Officer", "General Counsel"},
		"vp":       {"VP Legal", "Deputy General Counsel"},
		"head":     {"Head of Legal", "Head of Compliance"},
		"director": {"Legal Director", "Director of Compliance"},
		"manager":  {"Legal Manager", "Compliance Manager", "Contracts Manager"},
		"senior":   {"Senior Counsel", "Senior Legal Counsel", "Senior Paralegal"},
		"entry":    {"Legal Counsel", "Paralegal", "Compliance Analyst", "Contracts Specialist"},
	},
}
