/**
 * Word lists for generated people and locations. Names are common given names and surnames;
 * places pair a city with its region and time zone.
 */

export const FIRST_NAMES = [
  "Aaliyah", "Adrian", "Aisha", "Alejandro", "Alice", "Amara", "Amelia", "Andrea", "Andrew", "Anika",
  "Anna", "Arjun", "Ava", "Benjamin", "Bianca", "Caleb", "Camila", "Carlos", "Caroline", "Chen",
  "Chloe", "Daniel", "David", "Diego", "Elena", "Eli", "Elif", "Emily", "Emma", "Ethan",
  "Fatima", "Felix", "Gabriel", "Grace", "Hana", "Hannah", "Harper", "Henry", "Hiroshi", "Ibrahim",
  "Isabel", "Isaac", "Jack", "James", "Javier", "Jin", "Jonas", "Julia", "Kai", "Katarzyna",
  "Kofi", "Laila", "Lars", "Laura", "Leah", "Leo", "Liam", "Lucas", "Lucia", "Maya",
  "Mei", "Mia", "Michael", "Miguel", "Mohammed", "Nadia", "Naomi", "Nathan", "Nia", "Noah",
  "Olivia", "Omar", "Oscar", "Priya", "Rafael", "Ravi", "Rebecca", "Rosa", "Ryan", "Samuel",
  "Sara", "Sebastian", "Sofia", "Sophie", "Tariq", "Thomas", "Valentina", "Victor", "William", "Yara",
  "Yusuf", "Zara", "Zoe", "Mateo", "Ingrid", "Kenji", "Amir", "Chiara", "Tomas", "Ruth",
] as const;

export const LAST_NAMES = [
  "Abbott", "Adeyemi", "Alvarez", "Andersen", "Bailey", "Banerjee", "Becker", "Bennett", "Brooks", "Campbell",
  "Carter", "Castillo", "Chen", "Clarke", "Cohen", "Collins", "Costa", "Cruz", "Dubois", "Edwards",
  "Evans", "Fischer", "Flores", "Foster", "Garcia", "Gomez", "Gonzalez", "Gray", "Gupta", "Hansen",
  "Harris", "Hayes", "Hernandez", "Hughes", "Ito", "Jackson", "Jensen", "Johansson", "Kaur", "Kelly",
  "Kim", "Kowalski", "Kumar", "Larsen", "Lee", "Lopez", "Martin", "Martinez", "Mendoza", "Meyer",
  "Mitchell", "Moreau", "Morgan", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Ortiz",
  "Park", "Patel", "Perez", "Peterson", "Price", "Ramirez", "Reed", "Reyes", "Richter", "Rivera",
  "Roberts", "Rossi", "Russo", "Sanchez", "Santos", "Schmidt", "Schneider", "Shah", "Silva", "Singh",
  "Sullivan", "Suzuki", "Tanaka", "Taylor", "Thompson", "Torres", "Turner", "Valdez", "Wagner", "Walker",
  "Wang", "Weber", "Williams", "Wilson", "Wong", "Wright", "Yamamoto", "Young", "Zhang", "Ziegler",
] as const;

export const DEPARTMENTS = [
  { department: "Sales", titles: ["Account Executive", "Sales Manager", "Sales Engineer", "Inside Sales Representative"] },
  { department: "Engineering", titles: ["Software Engineer", "Senior Software Engineer", "Engineering Manager", "QA Engineer"] },
  { department: "Finance", titles: ["Accountant", "Financial Analyst", "Controller", "Payroll Specialist"] },
  { department: "Customer Support", titles: ["Support Specialist", "Support Team Lead", "Customer Success Manager"] },
  { department: "Marketing", titles: ["Marketing Manager", "Content Strategist", "Product Marketing Manager"] },
  { department: "Human Resources", titles: ["HR Generalist", "Recruiter", "HR Business Partner"] },
  { department: "Operations", titles: ["Operations Manager", "Facilities Coordinator", "Logistics Analyst"] },
  { department: "IT", titles: ["IT Administrator", "Network Engineer", "Service Desk Analyst"] },
] as const;

export const PLACES = [
  { city: "Chicago", region: "Illinois", country: "US", timeZone: "America/Chicago" },
  { city: "Austin", region: "Texas", country: "US", timeZone: "America/Chicago" },
  { city: "Denver", region: "Colorado", country: "US", timeZone: "America/Denver" },
  { city: "Seattle", region: "Washington", country: "US", timeZone: "America/Los_Angeles" },
  { city: "Boston", region: "Massachusetts", country: "US", timeZone: "America/New_York" },
  { city: "Atlanta", region: "Georgia", country: "US", timeZone: "America/New_York" },
  { city: "Toronto", region: "Ontario", country: "CA", timeZone: "America/Toronto" },
  { city: "London", region: "England", country: "GB", timeZone: "Europe/London" },
] as const;

/** Presence states with rough weights: most people are active or inactive. */
export const STATUSES = [
  "active", "active", "active", "inactive", "inactive", "inactive", "meeting", "call", "DoNotDisturb", "OutOfOffice", "unknown",
] as const;

/** Words of generated customer org names: a first part and a line of business. */
export const COMPANY_NAMES = [
  "Northwind", "Blue Harbor", "Summit Ridge", "Riverside", "Pinecrest", "Lakeshore", "Redwood", "Silver Oak",
  "Granite Peak", "Maple Grove", "Harborview", "Sunrise", "Ironbridge", "Westfield", "Clearwater", "Stonegate",
] as const;

export const COMPANY_TRADES = [
  "Dental Group", "Logistics", "Legal LLP", "Hotels", "Clinics", "Foods", "Insurance", "Realty",
  "Engineering", "Credit Union", "Schools", "Manufacturing", "Pharmacy", "Retail", "Consulting", "Transit",
] as const;

export const STREET_NAMES = [
  "Main Street", "Oak Avenue", "Market Street", "Commerce Drive", "Lake Road", "Park Avenue", "Harbor Way", "Elm Street",
] as const;

/** Names of call queues and hunt groups, put after the location name. */
export const QUEUE_NAMES = ["Support", "Sales", "Billing", "Help Desk", "Orders", "Escalations", "Returns", "Scheduling"] as const;
export const HUNT_GROUP_NAMES = ["Front Desk", "Reception", "Facilities", "Dispatch", "On Call", "Warehouse Floor"] as const;
export const AUTO_ATTENDANT_NAMES = ["Main Line", "After Hours", "Directory"] as const;

/** Routing policies of call queues and hunt groups. */
export const HUNT_POLICIES = ["CIRCULAR", "REGULAR", "SIMULTANEOUS", "UNIFORM", "WEIGHTED"] as const;
