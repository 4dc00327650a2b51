// Package codes lists the subtopic codes of Otklik's category tree that the
// base topic model predicts. It has no dependencies so that the model
// generator can use it before a model exists.
package codes

// Subtopics are the subtopic codes the base model predicts, in Otklik's
// category tree order. The topic is the part before the dot.
var Subtopics = []string{
	"zhkh.heating", "zhkh.water", "zhkh.sewerage", "zhkh.stairwell", "zhkh.roof", "zhkh.facade", "zhkh.basement", "zhkh.elevator", "zhkh.mkd_other",
	"roads.potholes", "roads.snow", "roads.signs_lights", "roads.sidewalks",
	"blago.yard", "blago.snow_ice", "blago.lighting", "blago.playgrounds", "blago.greenery", "blago.ads_illegal", "blago.street_trade", "blago.graffiti",
	"transport.routes", "transport.stops", "transport.schedule",
	"health.polyclinic", "health.medicine", "health.ambulance",
	"education.school", "education.kindergarten",
	"social.benefits", "social.elderly",
	"waste.containers", "waste.collection", "waste.dumps",
	"energy.power_outage", "energy.gas",
	"ecology.air", "ecology.water_bodies",
	"animals.stray",
	"culture.sport", "culture.culture",
	"safety.public_order", "safety.fire",
	"telecom.internet_mobile",
	"other.other",
}
